// Walks a frozen TorchScript graph with a sample batch and writes the ONNX graph that computes the
// same thing: static values (weights, shapes, flags) are folded, run-time operations go through
// the converters of onnxops.cpp.
#include "model/detail/torchtoonnx.h"

#include "model/modelerror.h"

#include <torch/csrc/jit/ir/constants.h>

#include <QString>

namespace activelabel::detail {

namespace {

using torch::jit::Node;
using torch::jit::Value;

bool sameValue(const c10::IValue &a, const c10::IValue &b)
{
    if (a.isNone() || b.isNone())
        return a.isNone() && b.isNone();
    if (a.isInt() && b.isInt())
        return a.toInt() == b.toInt();
    if (a.isDouble() && b.isDouble())
        return a.toDouble() == b.toDouble();
    if (a.isBool() && b.isBool())
        return a.toBool() == b.toBool();
    if (a.isString() && b.isString())
        return a.toStringRef() == b.toStringRef();
    if (a.isIntList() && b.isIntList())
        return a.toIntVector() == b.toIntVector();
    if (a.isDoubleList() && b.isDoubleList())
        return a.toDoubleVector() == b.toDoubleVector();
    if (a.isTensor() && b.isTensor())
        return a.toTensor().sizes() == b.toTensor().sizes() && a.toTensor().dtype() == b.toTensor().dtype() &&
               torch::equal(a.toTensor(), b.toTensor());
    return false;
}

// The list and tuple nodes have no registered operator (the interpreter builds them itself).
bool runStructural(const Node *node, torch::jit::Stack &stack)
{
    const std::string kind = node->kind().toQualString();
    if (kind == "prim::ListConstruct") {
        c10::impl::GenericList list(node->output()->type()->expectRef<c10::ListType>().getElementType());
        for (const c10::IValue &v : stack)
            list.push_back(v);
        stack = {c10::IValue(list)};
    } else if (kind == "prim::TupleConstruct") {
        stack = {c10::ivalue::Tuple::create(std::vector<c10::IValue>(stack.begin(), stack.end()))};
    } else if (kind == "prim::ListUnpack" && stack.size() == 1 && stack[0].isList()) {
        const auto list = stack[0].toList();
        stack = torch::jit::Stack(list.begin(), list.end());
    } else if (kind == "prim::TupleUnpack" && stack.size() == 1 && stack[0].isTuple()) {
        const auto elements = stack[0].toTupleRef().elements();
        stack = torch::jit::Stack(elements.begin(), elements.end());
    } else {
        return false;
    }
    return true;
}

} // namespace

TorchToOnnx::TorchToOnnx(onnx::GraphProto &graph)
    : m_graph(graph)
{
}

std::string TorchToOnnx::convert(const torch::jit::Graph &graph, const torch::Tensor &inputSample,
                                 const std::string &inputName)
{
    const auto inputs = graph.inputs();
    if (inputs.size() != 2)
        throw ModelError(QStringLiteral("the model's forward must take one tensor (it takes %1 inputs)")
                             .arg(int(inputs.size()) - 1));
    m_entries[inputs[0]] = OnnxEntry{}; // the frozen module itself: nothing should read it any more
    OnnxEntry x;
    x.kind = OnnxEntry::Kind::Tensor;
    x.value = inputSample;
    x.name = inputName;
    m_entries[inputs[1]] = x;
    m_batch = inputSample.size(0);
    walk(*graph.block());
    const auto outputs = graph.outputs();
    if (outputs.size() != 1 || !entry(outputs[0]).isTensor())
        throw ModelError(QStringLiteral("the model's forward must return one tensor computed from its input"));
    m_outputSample = entry(outputs[0]).sample();
    return entry(outputs[0]).name;
}

void TorchToOnnx::walk(const torch::jit::Block &block)
{
    for (const Node *node : block.nodes())
        visit(node);
}

void TorchToOnnx::visit(const Node *node)
{
    const std::string kind = node->kind().toQualString();
    if (kind == "prim::Constant") {
        OnnxEntry e;
        e.value = torch::jit::toIValue(node->output()).value_or(c10::IValue());
        m_entries[node->output()] = e;
        return;
    }
    if (kind == "prim::If")
        return visitIf(node);
    if (!node->blocks().empty())
        refuse(node, "loops are not supported");
    bool runtime = false;
    bool list = false;
    for (const Value *v : node->inputs()) {
        runtime = runtime || entry(v).kind != OnnxEntry::Kind::Static;
        list = list || entry(v).kind == OnnxEntry::Kind::List;
    }
    if (kind == "prim::ListConstruct" && runtime && !list)
        return visitList(node);
    if (runtime)
        return visitRuntime(node);
    evaluateStatic(node);
}

void TorchToOnnx::evaluateStatic(const Node *node)
{
    bool fromBatch = false;
    for (const Value *v : node->inputs())
        fromBatch = fromBatch || entry(v).batchSized;
    const std::vector<c10::IValue> outputs = runSample(node);
    const std::vector<c10::IValue> alternatives = fromBatch ? runSample(node, true) : std::vector<c10::IValue>{};
    for (std::size_t i = 0; i < node->outputs().size(); ++i) {
        OnnxEntry e;
        e.value = outputs.at(i);
        if (fromBatch)
            classifyBatchDependence(node, e, alternatives.at(i));
        m_entries[node->outputs()[i]] = e;
    }
}

// A value computed from the batch size may be the batch size itself (x.size(0) through the casts
// traced code adds), a list holding it (a shape), or not depend on it at all (len(x.size()));
// anything else would bake the sample's batch size into the graph.
void TorchToOnnx::classifyBatchDependence(const Node *node, OnnxEntry &e, const c10::IValue &alternative) const
{
    if (sameValue(e.value, alternative))
        return;
    const std::string why = "it computes with the batch size, which the ONNX graph leaves dynamic";
    auto isBatch = [this](double a, double b) { return a == double(m_batch) && b == double(m_batch + 1); };
    if (e.value.isIntList() && alternative.isIntList()) {
        const auto a = e.value.toIntVector(), b = alternative.toIntVector();
        if (a.size() != b.size())
            refuse(node, why);
        for (std::size_t k = 0; k < a.size(); ++k) {
            if (a[k] == b[k])
                continue;
            if (!isBatch(double(a[k]), double(b[k])))
                refuse(node, why);
            e.batchPositions.push_back(k);
        }
    } else if (e.value.isTensor() && alternative.isTensor() && e.value.toTensor().numel() == 1 &&
               alternative.toTensor().numel() == 1) {
        if (!isBatch(e.value.toTensor().item<double>(), alternative.toTensor().item<double>()))
            refuse(node, why);
    } else if ((e.value.isInt() || e.value.isDouble()) && (alternative.isInt() || alternative.isDouble())) {
        if (!isBatch(e.value.toScalar().to<double>(), alternative.toScalar().to<double>()))
            refuse(node, why);
    } else {
        refuse(node, why);
    }
    e.batchSized = true;
    e.alternative = alternative;
}

void TorchToOnnx::visitIf(const Node *node)
{
    const OnnxEntry &condition = entry(node->input(0));
    if (condition.kind != OnnxEntry::Kind::Static || condition.batchSized || !condition.value.isBool())
        refuse(node, "it branches on a value known only at run time");
    const torch::jit::Block &taken = *node->blocks().at(condition.value.toBool() ? 0 : 1);
    walk(taken);
    for (std::size_t i = 0; i < node->outputs().size(); ++i)
        m_entries[node->outputs()[i]] = entry(taken.outputs()[i]);
}

void TorchToOnnx::visitList(const Node *node)
{
    OnnxEntry e;
    e.kind = OnnxEntry::Kind::List;
    for (const Value *v : node->inputs())
        e.elements.push_back(entry(v));
    m_entries[node->output()] = e;
}

void TorchToOnnx::visitRuntime(const Node *node)
{
    const std::string kind = node->kind().toQualString();
    // Shape queries: static once the input size is fixed, except the batch dimension.
    if (kind == "aten::dim" || kind == "aten::size") {
        const torch::Tensor x = input(node, 0).sample();
        OnnxEntry e;
        if (kind == "aten::dim") {
            e.value = x.dim();
        } else if (node->inputs().size() == 1) {
            std::vector<std::int64_t> sizes = x.sizes().vec();
            e.value = c10::IValue(sizes);
            sizes[0] = m_batch + 1;
            e.alternative = c10::IValue(sizes);
            e.batchSized = true;
            e.batchPositions = {0};
        } else {
            const std::int64_t d = staticInt(node, 1);
            e.value = x.size(d);
            e.batchSized = (d < 0 ? d + x.dim() : d) == 0;
            e.alternative = m_batch + 1;
        }
        m_entries[node->output()] = e;
        return;
    }
    const auto &converters = onnxConverters();
    const auto found = converters.find(kind);
    if (found == converters.end())
        refuse(node, "the ONNX export has no conversion for it");
    if (node->outputs().size() != 1)
        refuse(node, "only operations with one output are supported");
    const std::vector<c10::IValue> outputs = runSample(node);
    if (!outputs.at(0).isTensor())
        refuse(node, "only operations that return a tensor are supported");
    m_outputSample = outputs.at(0).toTensor();
    OnnxEntry e;
    e.kind = OnnxEntry::Kind::Tensor;
    e.name = found->second(*this, node);
    e.value = m_outputSample;
    m_entries[node->output()] = e;
}

std::vector<c10::IValue> TorchToOnnx::runSample(const Node *node, bool alternative)
{
    torch::jit::Stack stack;
    for (const Value *v : node->inputs()) {
        const OnnxEntry &e = entry(v);
        if (alternative && e.batchSized) {
            stack.push_back(e.alternative.isTensor() ? c10::IValue(e.alternative.toTensor().clone()) : e.alternative);
        } else if (e.kind == OnnxEntry::Kind::List) {
            c10::List<at::Tensor> tensors;
            for (const OnnxEntry &element : e.elements)
                tensors.push_back(element.value.toTensor().clone());
            stack.emplace_back(tensors);
        } else if (e.value.isTensor()) {
            stack.emplace_back(e.value.toTensor().clone()); // in-place operations must not touch it
        } else {
            stack.push_back(e.value);
        }
    }
    try {
        if (!runStructural(node, stack))
            node->getOperation()(stack);
    } catch (const std::exception &e) {
        refuse(node, QString::fromUtf8(e.what()).trimmed().section(QLatin1Char('\n'), 0, 0).toStdString());
    }
    if (stack.size() != node->outputs().size())
        refuse(node, "unexpected number of results");
    return stack;
}

const OnnxEntry &TorchToOnnx::entry(const Value *value) const
{
    const auto found = m_entries.find(value);
    if (found == m_entries.end())
        throw ModelError(QStringLiteral("the model's graph reads %1 before it is computed")
                             .arg(QString::fromStdString(value->debugName())));
    return found->second;
}

const OnnxEntry &TorchToOnnx::input(const Node *node, std::size_t i) const
{
    if (i >= node->inputs().size())
        refuse(node, "too few arguments");
    return entry(node->inputs()[i]);
}

std::size_t TorchToOnnx::inputCount(const Node *node) const
{
    return node->inputs().size();
}

std::string TorchToOnnx::newName(const std::string &hint)
{
    return hint + "_" + std::to_string(++m_counter);
}

onnx::NodeProto &TorchToOnnx::emit(const std::string &op, const std::vector<std::string> &inputs,
                                   const std::string &output)
{
    onnx::NodeProto &n = *m_graph.add_node();
    n.set_op_type(op);
    n.set_name(newName(op));
    for (const std::string &in : inputs)
        n.add_input(in);
    n.add_output(output.empty() ? newName(op + "_out") : output);
    return n;
}

std::string TorchToOnnx::initializer(const torch::Tensor &tensor)
{
    torch::Tensor t = tensor.detach().to(torch::kCPU);
    onnx::TensorProto &init = *m_graph.add_initializer();
    init.set_name(newName("const"));
    for (const std::int64_t d : t.sizes())
        init.add_dims(d);
    if (t.is_floating_point()) {
        t = t.to(torch::kFloat).contiguous();
        init.set_data_type(onnx::TensorProto::FLOAT);
    } else if (t.scalar_type() == torch::kLong || t.scalar_type() == torch::kInt) {
        t = t.to(torch::kLong).contiguous();
        init.set_data_type(onnx::TensorProto::INT64);
    } else {
        throw ModelError(QStringLiteral("the model holds a %1 constant, which the ONNX export does not support")
                             .arg(QString::fromUtf8(c10::toString(t.scalar_type()))));
    }
    init.set_raw_data(std::string(static_cast<const char *>(t.data_ptr()), t.numel() * t.element_size()));
    return init.name();
}

std::string TorchToOnnx::initializerInt64(const std::vector<std::int64_t> &values)
{
    return initializer(torch::tensor(values, torch::kLong));
}

std::string TorchToOnnx::operand(const OnnxEntry &e, c10::ScalarType numberType)
{
    if (e.kind == OnnxEntry::Kind::Tensor)
        return e.name;
    if (e.batchSized)
        throw ModelError(QStringLiteral("the model computes with the batch size, which the ONNX graph leaves dynamic"));
    // Scalars become one-element tensors (not rank 0): the same broadcast, and OpenCV's importer
    // reads them as constants of shape [1].
    if (e.value.isTensor())
        return initializer(e.value.toTensor().dim() == 0 ? e.value.toTensor().reshape({1}) : e.value.toTensor());
    if (e.value.isDouble() || e.value.isInt())
        return initializer(torch::full({1}, e.value.toScalar(), torch::TensorOptions().dtype(numberType)));
    throw ModelError(QStringLiteral("the model uses a %1 as a tensor, which the ONNX export does not support")
                         .arg(QString::fromStdString(e.value.tagKind())));
}

void TorchToOnnx::refuse(const Node *node, const std::string &why) const
{
    throw ModelError(QStringLiteral("cannot express %1 in ONNX: %2")
                         .arg(QString::fromUtf8(node->kind().toQualString()), QString::fromStdString(why)));
}

std::int64_t TorchToOnnx::staticInt(const Node *node, std::size_t i) const
{
    const OnnxEntry &e = input(node, i);
    if (e.kind != OnnxEntry::Kind::Static || e.batchSized || !e.value.isInt())
        refuse(node, "argument " + std::to_string(i) + " must be a constant integer");
    return e.value.toInt();
}

double TorchToOnnx::staticDouble(const Node *node, std::size_t i) const
{
    const OnnxEntry &e = input(node, i);
    if (e.kind != OnnxEntry::Kind::Static || e.batchSized || !(e.value.isDouble() || e.value.isInt()))
        refuse(node, "argument " + std::to_string(i) + " must be a constant number");
    return e.value.isDouble() ? e.value.toDouble() : double(e.value.toInt());
}

bool TorchToOnnx::staticBool(const Node *node, std::size_t i) const
{
    const OnnxEntry &e = input(node, i);
    if (e.kind != OnnxEntry::Kind::Static || !e.value.isBool())
        refuse(node, "argument " + std::to_string(i) + " must be a constant flag");
    return e.value.toBool();
}

std::vector<std::int64_t> TorchToOnnx::staticInts(const Node *node, std::size_t i) const
{
    const OnnxEntry &e = input(node, i);
    if (e.kind == OnnxEntry::Kind::Static && !e.batchSized && e.value.isInt())
        return {e.value.toInt()};
    if (e.kind != OnnxEntry::Kind::Static || e.batchSized || !e.value.isIntList())
        refuse(node, "argument " + std::to_string(i) + " must be a constant list of integers");
    return e.value.toIntVector();
}

bool TorchToOnnx::isNone(const Node *node, std::size_t i) const
{
    return i >= node->inputs().size() || (input(node, i).kind == OnnxEntry::Kind::Static && input(node, i).value.isNone());
}

torch::Tensor TorchToOnnx::staticTensor(const Node *node, std::size_t i) const
{
    const OnnxEntry &e = input(node, i);
    if (e.kind != OnnxEntry::Kind::Static || !e.value.isTensor())
        refuse(node, "argument " + std::to_string(i) + " must be a constant tensor (weights computed at run time "
                                                        "are not supported)");
    return e.value.toTensor();
}

} // namespace activelabel::detail
