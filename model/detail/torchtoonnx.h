#pragma once
// INTERNAL to model/: includes torch and ONNX. Never include from a public model header.

#include <onnx/onnx_pb.h>
#include <torch/script.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace activelabel::detail {

// The opset the exporter writes: OpenCV 4.6's ONNX importer reads up to 13 (Softmax's axis
// semantics and ReduceMean's axes attribute are those of 13).
constexpr int kOnnxOpset = 13;

// What a TorchScript value stands for while its graph is converted.
//  - Static: known while converting (constants, weights, shapes): an IValue, folded into the ONNX
//    graph as attributes or initializers. `batchSized` marks a number that is (or a list that
//    holds, at `batchPositions`) the batch size: the ONNX graph keeps the batch dynamic, so such a
//    value may only size a reshape's first dimension. `alternative` is what the value would be
//    with a batch one larger: static code is run with both, and a result that differs other than
//    by carrying the batch size along (x.size(0) * 2, say) is refused.
//  - Tensor: computed at run time: the ONNX value `name`, with `sample` its value for the sample
//    batch the converter pushes through (which gives every shape the converters need).
//  - List: a list of tensors (for cat), each element an Entry.
struct OnnxEntry
{
    enum class Kind { Static, Tensor, List };
    Kind kind = Kind::Static;
    c10::IValue value; // Static: the value; Tensor: the sample output
    std::string name;  // Tensor: the ONNX value name
    bool batchSized = false;
    c10::IValue alternative; // batchSized: the value for a batch one larger
    std::vector<std::size_t> batchPositions;
    std::vector<OnnxEntry> elements; // List

    bool isTensor() const { return kind == Kind::Tensor; }
    const torch::Tensor sample() const { return value.toTensor(); }
};

// Converts one frozen TorchScript graph into an ONNX graph, node by node, by walking it with a
// sample batch. Static control flow (an `if` on a shape or on a frozen flag) is resolved; any
// operation on run-time values that has no converter is refused with its name.
class TorchToOnnx
{
public:
    using Converter = std::function<std::string(TorchToOnnx &, const torch::jit::Node *)>;

    explicit TorchToOnnx(onnx::GraphProto &graph);

    // Walks `graph` (its first input is the frozen module's self, its second the image batch,
    // `inputSample` an N x C x H x W sample of it); returns the ONNX name of the output; the
    // batch dimension stays dynamic. Throws ModelError naming the first unsupported op.
    std::string convert(const torch::jit::Graph &graph, const torch::Tensor &inputSample,
                        const std::string &inputName);

    // For converters.
    const OnnxEntry &input(const torch::jit::Node *node, std::size_t i) const;
    std::size_t inputCount(const torch::jit::Node *node) const;
    // The sample value of the node's first output (computed before the converter runs).
    const torch::Tensor &outputSample() const { return m_outputSample; }
    // A run-time tensor's name, or an initializer made from a static tensor or number.
    std::string operand(const OnnxEntry &entry, c10::ScalarType numberType = c10::kFloat);
    std::string initializer(const torch::Tensor &tensor);
    std::string initializerInt64(const std::vector<std::int64_t> &values);
    onnx::NodeProto &emit(const std::string &op, const std::vector<std::string> &inputs,
                          const std::string &output = {});
    std::string newName(const std::string &hint);
    [[noreturn]] void refuse(const torch::jit::Node *node, const std::string &why) const;

    // Static values a converter needs, each refusing with a clear reason when the value is not.
    std::int64_t staticInt(const torch::jit::Node *node, std::size_t i) const;
    double staticDouble(const torch::jit::Node *node, std::size_t i) const;
    bool staticBool(const torch::jit::Node *node, std::size_t i) const;
    std::vector<std::int64_t> staticInts(const torch::jit::Node *node, std::size_t i) const;
    bool isNone(const torch::jit::Node *node, std::size_t i) const;
    torch::Tensor staticTensor(const torch::jit::Node *node, std::size_t i) const;

private:
    void walk(const torch::jit::Block &block);
    void visit(const torch::jit::Node *node);
    void evaluateStatic(const torch::jit::Node *node);
    void visitIf(const torch::jit::Node *node);
    void visitList(const torch::jit::Node *node);
    void visitRuntime(const torch::jit::Node *node);
    std::vector<c10::IValue> runSample(const torch::jit::Node *node, bool alternative = false);
    void classifyBatchDependence(const torch::jit::Node *node, OnnxEntry &e, const c10::IValue &alternative) const;
    const OnnxEntry &entry(const torch::jit::Value *value) const;

    onnx::GraphProto &m_graph;
    std::map<const torch::jit::Value *, OnnxEntry> m_entries;
    torch::Tensor m_outputSample;
    int m_counter = 0;
    std::int64_t m_batch = 0; // the sample's batch size
};

// The converters for run-time operations, keyed by TorchScript kind ("aten::conv2d").
const std::map<std::string, TorchToOnnx::Converter> &onnxConverters();

} // namespace activelabel::detail
