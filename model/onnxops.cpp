// One converter per TorchScript operation the ONNX export can express: what the built-in backbones
// use, plus the common layers of torchvision-style classifiers (scripted or traced). Each takes its
// static arguments (weights, strides, flags) from the walk and emits opset-13 nodes.
#include "model/detail/torchtoonnx.h"

namespace activelabel::detail {

namespace {

using torch::jit::Node;
using Ints = std::vector<std::int64_t>;

void setInts(onnx::NodeProto &node, const std::string &name, const Ints &values)
{
    onnx::AttributeProto &a = *node.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::INTS);
    for (const std::int64_t v : values)
        a.add_ints(v);
}

void setInt(onnx::NodeProto &node, const std::string &name, std::int64_t value)
{
    onnx::AttributeProto &a = *node.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(value);
}

void setFloat(onnx::NodeProto &node, const std::string &name, double value)
{
    onnx::AttributeProto &a = *node.add_attribute();
    a.set_name(name);
    a.set_type(onnx::AttributeProto::FLOAT);
    a.set_f(float(value));
}

// A 2-D window argument: one value means both dimensions.
Ints pair(const TorchToOnnx &c, const Node *n, std::size_t i)
{
    Ints v = c.staticInts(n, i);
    if (v.size() == 1)
        v.push_back(v[0]);
    if (v.size() != 2)
        c.refuse(n, "only 2-D windows are supported");
    return v;
}

std::int64_t axis(const TorchToOnnx &c, const Node *n, std::size_t i, std::int64_t rank)
{
    const std::int64_t d = c.staticInt(n, i);
    return d < 0 ? d + rank : d;
}

std::string x(TorchToOnnx &c, const Node *n)
{
    return c.operand(c.input(n, 0));
}

std::int64_t rankOf(const TorchToOnnx &c, const Node *n)
{
    return c.input(n, 0).sample().dim();
}

// aten::conv2d(x, w, b, stride, padding, dilation, groups); aten::convolution and
// aten::_convolution (traced) have transposed and output_padding before groups.
std::string conv(TorchToOnnx &c, const Node *n)
{
    const bool plain = std::string(n->kind().toQualString()) == "aten::conv2d";
    if (!plain && c.staticBool(n, 6))
        c.refuse(n, "transposed convolutions are not supported");
    const torch::Tensor w = c.staticTensor(n, 1);
    if (w.dim() != 4)
        c.refuse(n, "only 2-D convolutions are supported");
    std::vector<std::string> inputs{x(c, n), c.initializer(w)};
    if (!c.isNone(n, 2))
        inputs.push_back(c.initializer(c.staticTensor(n, 2)));
    const Ints padding = pair(c, n, 4);
    onnx::NodeProto &node = c.emit("Conv", inputs);
    setInts(node, "kernel_shape", {w.size(2), w.size(3)});
    setInts(node, "strides", pair(c, n, 3));
    setInts(node, "pads", {padding[0], padding[1], padding[0], padding[1]});
    setInts(node, "dilations", pair(c, n, 5));
    setInt(node, "group", c.staticInt(n, plain ? 6 : 8));
    return node.output(0);
}

// aten::batch_norm(x, weight, bias, running_mean, running_var, training, momentum, eps, cudnn)
std::string batchNorm(TorchToOnnx &c, const Node *n)
{
    if (c.staticBool(n, 5))
        c.refuse(n, "batch statistics (training mode) cannot be exported");
    if (c.isNone(n, 3) || c.isNone(n, 4))
        c.refuse(n, "batch norm without running statistics is not supported");
    const torch::Tensor mean = c.staticTensor(n, 3);
    const torch::Tensor scale = c.isNone(n, 1) ? torch::ones_like(mean) : c.staticTensor(n, 1);
    const torch::Tensor shift = c.isNone(n, 2) ? torch::zeros_like(mean) : c.staticTensor(n, 2);
    onnx::NodeProto &node = c.emit("BatchNormalization", {x(c, n), c.initializer(scale), c.initializer(shift),
                                                          c.initializer(mean), c.initializer(c.staticTensor(n, 4))});
    setFloat(node, "epsilon", c.staticDouble(n, 7));
    return node.output(0);
}

TorchToOnnx::Converter unary(const std::string &op)
{
    return [op](TorchToOnnx &c, const Node *n) { return c.emit(op, {x(c, n)}).output(0); };
}

// aten::hardtanh(x, min, max); aten::relu6(x)
std::string clip(TorchToOnnx &c, const Node *n)
{
    const bool relu6 = std::string(n->kind().toQualString()).rfind("aten::relu6", 0) == 0;
    const double low = relu6 ? 0.0 : c.staticDouble(n, 1);
    const double high = relu6 ? 6.0 : c.staticDouble(n, 2);
    // clamp(x, lo, hi) = lo + relu(x - lo) - relu(x - hi): opset 13's Clip takes its bounds as
    // inputs, which OpenCV 4.6's importer refuses (it reads only opset-6 Clip, bounds as attributes).
    auto scalar = [&c](double v) { return c.initializer(torch::full({1}, v)); };
    const std::string in = x(c, n);
    const std::string fromLow = low == 0.0 ? in : c.emit("Sub", {in, scalar(low)}).output(0);
    const std::string above = c.emit("Relu", {fromLow}).output(0);
    const std::string over = c.emit("Relu", {c.emit("Sub", {in, scalar(high)}).output(0)}).output(0);
    const std::string y = c.emit("Sub", {above, over}).output(0);
    return low == 0.0 ? y : c.emit("Add", {y, scalar(low)}).output(0);
}

std::string leakyRelu(TorchToOnnx &c, const Node *n)
{
    onnx::NodeProto &node = c.emit("LeakyRelu", {x(c, n)});
    setFloat(node, "alpha", c.isNone(n, 1) ? 0.01 : c.staticDouble(n, 1));
    return node.output(0);
}

void poolWindow(TorchToOnnx &c, const Node *n, onnx::NodeProto &node, const Ints &kernel)
{
    Ints stride = c.staticInts(n, 2);
    stride = stride.empty() ? kernel : pair(c, n, 2);
    const Ints padding = pair(c, n, 3);
    setInts(node, "kernel_shape", kernel);
    setInts(node, "strides", stride);
    setInts(node, "pads", {padding[0], padding[1], padding[0], padding[1]});
}

// aten::max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)
std::string maxPool(TorchToOnnx &c, const Node *n)
{
    if (pair(c, n, 4) != Ints{1, 1})
        c.refuse(n, "dilated pooling is not supported");
    onnx::NodeProto &node = c.emit("MaxPool", {x(c, n)});
    poolWindow(c, n, node, pair(c, n, 1));
    setInt(node, "ceil_mode", c.staticBool(n, 5) ? 1 : 0);
    return node.output(0);
}

// aten::avg_pool2d(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
std::string avgPool(TorchToOnnx &c, const Node *n)
{
    if (!c.isNone(n, 6))
        c.refuse(n, "divisor_override is not supported");
    onnx::NodeProto &node = c.emit("AveragePool", {x(c, n)});
    poolWindow(c, n, node, pair(c, n, 1));
    setInt(node, "ceil_mode", c.staticBool(n, 4) ? 1 : 0);
    setInt(node, "count_include_pad", c.staticBool(n, 5) ? 1 : 0);
    return node.output(0);
}

// aten::adaptive_avg_pool2d(x, output_size): global pooling, or a plain average pool when the
// input divides evenly (the input size is fixed by the sidecar).
std::string adaptiveAvgPool(TorchToOnnx &c, const Node *n)
{
    const Ints out = pair(c, n, 1);
    const torch::Tensor in = c.input(n, 0).sample();
    if (out == Ints{1, 1})
        return c.emit("GlobalAveragePool", {x(c, n)}).output(0);
    const std::int64_t h = in.size(-2), w = in.size(-1);
    if (h % out[0] != 0 || w % out[1] != 0)
        c.refuse(n, "an output size that does not divide the input is not supported");
    onnx::NodeProto &node = c.emit("AveragePool", {x(c, n)});
    setInts(node, "kernel_shape", {h / out[0], w / out[1]});
    setInts(node, "strides", {h / out[0], w / out[1]});
    return node.output(0);
}

// The sample output's shape with the batch dimension copied from the input at run time (0).
std::string reshapeLikeOutput(TorchToOnnx &c, const Node *n)
{
    Ints shape = c.outputSample().sizes().vec();
    shape.at(0) = 0;
    return c.emit("Reshape", {x(c, n), c.initializerInt64(shape)}).output(0);
}

// aten::flatten(x, start, end)
std::string flatten(TorchToOnnx &c, const Node *n)
{
    const std::int64_t rank = rankOf(c, n);
    const std::int64_t start = axis(c, n, 1, rank), end = axis(c, n, 2, rank);
    if (start == 0 && end > 0)
        c.refuse(n, "flattening the batch dimension is not supported");
    if (start == 1 && end == rank - 1) {
        onnx::NodeProto &node = c.emit("Flatten", {x(c, n)});
        setInt(node, "axis", 1);
        return node.output(0);
    }
    return reshapeLikeOutput(c, n);
}

// aten::view / aten::reshape(x, shape): the batch size may only be the first dimension.
std::string reshape(TorchToOnnx &c, const Node *n)
{
    const OnnxEntry &shape = c.input(n, 1);
    if (shape.batchSized && shape.batchPositions != std::vector<std::size_t>{0})
        c.refuse(n, "the batch size may only be the first dimension of a reshape");
    if (!shape.batchSized && !(shape.kind == OnnxEntry::Kind::Static && shape.value.isIntList()))
        c.refuse(n, "the shape must be constant");
    Ints dims = shape.value.toIntVector();
    if (dims.empty() || (!shape.batchSized && dims[0] != -1))
        c.refuse(n, "a reshape that does not keep the batch dimension first is not supported");
    if (shape.batchSized)
        dims[0] = 0;
    else
        return reshapeLikeOutput(c, n); // (-1, ...): the batch size is the only free dimension
    return c.emit("Reshape", {x(c, n), c.initializerInt64(dims)}).output(0);
}

// aten::linear(x, weight, bias)
std::string linear(TorchToOnnx &c, const Node *n)
{
    const torch::Tensor w = c.staticTensor(n, 1);
    if (rankOf(c, n) == 2) {
        std::vector<std::string> inputs{x(c, n), c.initializer(w)};
        if (!c.isNone(n, 2))
            inputs.push_back(c.initializer(c.staticTensor(n, 2)));
        onnx::NodeProto &node = c.emit("Gemm", inputs);
        setInt(node, "transB", 1);
        return node.output(0);
    }
    std::string y = c.emit("MatMul", {x(c, n), c.initializer(w.t())}).output(0);
    if (!c.isNone(n, 2))
        y = c.emit("Add", {y, c.initializer(c.staticTensor(n, 2))}).output(0);
    return y;
}

// aten::addmm(bias, x, weight_t, beta, alpha): traced linear layers
std::string addmm(TorchToOnnx &c, const Node *n)
{
    onnx::NodeProto &node = c.emit("Gemm", {c.operand(c.input(n, 1)), c.initializer(c.staticTensor(n, 2)),
                                            c.operand(c.input(n, 0))});
    setFloat(node, "beta", c.staticDouble(n, 3));
    setFloat(node, "alpha", c.staticDouble(n, 4));
    return node.output(0);
}

std::string matmul(TorchToOnnx &c, const Node *n)
{
    return c.emit("MatMul", {x(c, n), c.operand(c.input(n, 1))}).output(0);
}

// aten::add / aten::sub (a, b, alpha), aten::mul / aten::div (a, b[, rounding_mode])
TorchToOnnx::Converter arithmetic(const std::string &op)
{
    return [op](TorchToOnnx &c, const Node *n) {
        const bool hasAlpha = op == "Add" || op == "Sub";
        if (hasAlpha && c.inputCount(n) > 2 && c.staticDouble(n, 2) != 1.0)
            c.refuse(n, "alpha other than 1 is not supported");
        if (op == "Div" && c.inputCount(n) > 2 && !c.isNone(n, 2))
            c.refuse(n, "rounding division is not supported");
        return c.emit(op, {c.operand(c.input(n, 0)), c.operand(c.input(n, 1))}).output(0);
    };
}

// aten::softmax / aten::log_softmax (x, dim, dtype)
TorchToOnnx::Converter softmax(const std::string &op)
{
    return [op](TorchToOnnx &c, const Node *n) {
        if (!c.isNone(n, 2))
            c.refuse(n, "a dtype argument is not supported");
        onnx::NodeProto &node = c.emit(op, {x(c, n)});
        setInt(node, "axis", axis(c, n, 1, rankOf(c, n)));
        return node.output(0);
    };
}

// aten::mean(x, dims, keepdim, dtype)
std::string mean(TorchToOnnx &c, const Node *n)
{
    if (c.inputCount(n) < 3)
        c.refuse(n, "a mean over the whole batch is not supported");
    Ints axes = c.staticInts(n, 1);
    for (std::int64_t &a : axes) {
        a = a < 0 ? a + rankOf(c, n) : a;
        if (a == 0)
            c.refuse(n, "a mean over the batch dimension is not supported");
    }
    onnx::NodeProto &node = c.emit("ReduceMean", {x(c, n)});
    setInts(node, "axes", axes);
    setInt(node, "keepdims", c.staticBool(n, 2) ? 1 : 0);
    return node.output(0);
}

// aten::cat(tensors, dim)
std::string cat(TorchToOnnx &c, const Node *n)
{
    const OnnxEntry &list = c.input(n, 0);
    if (list.kind != OnnxEntry::Kind::List)
        c.refuse(n, "the tensors must be listed in the graph");
    std::vector<std::string> inputs;
    for (const OnnxEntry &e : list.elements)
        inputs.push_back(c.operand(e));
    onnx::NodeProto &node = c.emit("Concat", inputs);
    setInt(node, "axis", axis(c, n, 1, c.outputSample().dim()));
    return node.output(0);
}

// Dropout (x, p, train): the identity in inference; contiguous, detach and clone likewise.
std::string dropout(TorchToOnnx &c, const Node *n)
{
    if (c.staticBool(n, 2))
        c.refuse(n, "dropout in training mode cannot be exported");
    return x(c, n);
}

std::string identity(TorchToOnnx &c, const Node *n)
{
    return x(c, n);
}

} // namespace

const std::map<std::string, TorchToOnnx::Converter> &onnxConverters()
{
    static const std::map<std::string, TorchToOnnx::Converter> table = [] {
        std::map<std::string, TorchToOnnx::Converter> t;
        for (const char *k : {"aten::conv2d", "aten::convolution", "aten::_convolution"})
            t[k] = conv;
        t["aten::batch_norm"] = batchNorm;
        for (const auto &[kinds, op] : std::vector<std::pair<std::vector<std::string>, std::string>>{
                 {{"aten::relu", "aten::relu_"}, "Relu"},
                 {{"aten::sigmoid", "aten::sigmoid_"}, "Sigmoid"},
                 {{"aten::tanh", "aten::tanh_"}, "Tanh"}})
            for (const auto &k : kinds)
                t[k] = unary(op);
        for (const char *k : {"aten::hardtanh", "aten::hardtanh_", "aten::relu6", "aten::relu6_"})
            t[k] = clip;
        t["aten::leaky_relu"] = t["aten::leaky_relu_"] = leakyRelu;
        t["aten::max_pool2d"] = maxPool;
        t["aten::avg_pool2d"] = avgPool;
        t["aten::adaptive_avg_pool2d"] = adaptiveAvgPool;
        t["aten::flatten"] = flatten;
        t["aten::view"] = t["aten::reshape"] = reshape;
        t["aten::linear"] = linear;
        t["aten::addmm"] = addmm;
        t["aten::matmul"] = matmul;
        t["aten::add"] = t["aten::add_"] = arithmetic("Add");
        t["aten::sub"] = t["aten::sub_"] = arithmetic("Sub");
        t["aten::mul"] = t["aten::mul_"] = arithmetic("Mul");
        t["aten::div"] = t["aten::div_"] = arithmetic("Div");
        t["aten::softmax"] = softmax("Softmax");
        t["aten::log_softmax"] = softmax("LogSoftmax");
        t["aten::mean"] = mean;
        t["aten::cat"] = cat;
        for (const char *k : {"aten::dropout", "aten::dropout_", "aten::feature_dropout", "aten::alpha_dropout",
                              "aten::feature_alpha_dropout"})
            t[k] = dropout;
        for (const char *k : {"aten::contiguous", "aten::detach", "aten::clone"})
            t[k] = identity;
        return t;
    }();
    return table;
}

} // namespace activelabel::detail
