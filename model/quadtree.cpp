#include "model/detail/quadtree.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace activelabel::detail {

namespace {
// Beyond this depth (cells 2^-40 of the map's width) the points are duplicates for all purposes.
constexpr int kMaxDepth = 40;
} // namespace

void QuadTree::build(const FloatMatrix &points)
{
    const std::size_t n = points.rows;
    m_nodes.clear();
    m_order.resize(n);
    std::iota(m_order.begin(), m_order.end(), 0);
    m_x.resize(n);
    m_y.resize(n);
    if (n == 0)
        return;
    double minX = points.at(0, 0), maxX = minX, minY = points.at(0, 1), maxY = minY;
    for (std::size_t i = 0; i < n; ++i) {
        minX = std::min<double>(minX, points.at(i, 0));
        maxX = std::max<double>(maxX, points.at(i, 0));
        minY = std::min<double>(minY, points.at(i, 1));
        maxY = std::max<double>(maxY, points.at(i, 1));
    }
    const double side = std::max({maxX - minX, maxY - minY, 1e-12}) * (1 + 1e-9);
    for (std::size_t i = 0; i < n; ++i) {
        m_x[i] = points.at(i, 0);
        m_y[i] = points.at(i, 1);
    }
    m_nodes.reserve(2 * n / kLeafSize + 16);
    Node root;
    root.begin = 0;
    root.end = std::int32_t(n);
    m_nodes.push_back(root);
    buildNode(0, minX, minY, side, 0);
}

void QuadTree::buildNode(std::int32_t node, double x0, double y0, double side, int depth)
{
    const std::int32_t begin = m_nodes[std::size_t(node)].begin,
                       end = m_nodes[std::size_t(node)].end;
    m_nodes[std::size_t(node)].side = side;
    m_nodes[std::size_t(node)].count = end - begin;
    if (end - begin <= kLeafSize || depth >= kMaxDepth) {
        double sx = 0, sy = 0;
        for (std::int32_t p = begin; p < end; ++p) {
            sx += m_x[std::size_t(p)];
            sy += m_y[std::size_t(p)];
        }
        const double count = std::max(1, end - begin);
        m_nodes[std::size_t(node)].comX = sx / count;
        m_nodes[std::size_t(node)].comY = sy / count;
        return;
    }
    // Partition [begin, end) into the four quadrants, keeping m_order, m_x and m_y in step.
    const double midX = x0 + side / 2, midY = y0 + side / 2;
    auto partition = [this](std::int32_t from, std::int32_t to, auto &&isLow) {
        std::int32_t i = from, j = to - 1;
        while (true) {
            while (i <= j && isLow(std::size_t(i)))
                ++i;
            while (i <= j && !isLow(std::size_t(j)))
                --j;
            if (i >= j)
                return i;
            std::swap(m_order[std::size_t(i)], m_order[std::size_t(j)]);
            std::swap(m_x[std::size_t(i)], m_x[std::size_t(j)]);
            std::swap(m_y[std::size_t(i)], m_y[std::size_t(j)]);
        }
    };
    const std::int32_t splitY = partition(begin, end, [&](std::size_t p) { return m_y[p] < midY; });
    const std::int32_t lowSplitX =
        partition(begin, splitY, [&](std::size_t p) { return m_x[p] < midX; });
    const std::int32_t highSplitX =
        partition(splitY, end, [&](std::size_t p) { return m_x[p] < midX; });
    const std::int32_t bounds[5] = {begin, lowSplitX, splitY, highSplitX, end};
    const std::int32_t first = std::int32_t(m_nodes.size());
    m_nodes[std::size_t(node)].firstChild = first;
    for (int c = 0; c < 4; ++c) {
        Node child;
        child.begin = bounds[c];
        child.end = bounds[c + 1];
        m_nodes.push_back(child);
    }
    const double half = side / 2;
    double sx = 0, sy = 0;
    for (int c = 0; c < 4; ++c) {
        const double cx = x0 + (c % 2 ? half : 0), cy = y0 + (c / 2 ? half : 0);
        buildNode(first + c, cx, cy, half, depth + 1);
        const Node &child = m_nodes[std::size_t(first + c)];
        sx += child.comX * child.count;
        sy += child.comY * child.count;
    }
    m_nodes[std::size_t(node)].comX = sx / (end - begin);
    m_nodes[std::size_t(node)].comY = sy / (end - begin);
}

void QuadTree::repulsion(std::int32_t index, double x, double y, double theta2, double &sumQ,
                         double &fx, double &fy) const
{
    if (m_nodes.empty())
        return;
    std::int32_t stack[4 * kMaxDepth + 8];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
        const Node &node = m_nodes[std::size_t(stack[--top])];
        if (node.count == 0)
            continue;
        if (node.firstChild < 0) {
            for (std::int32_t p = node.begin; p < node.end; ++p) {
                if (m_order[std::size_t(p)] == index)
                    continue;
                const double dx = x - m_x[std::size_t(p)], dy = y - m_y[std::size_t(p)];
                const double w = 1 / (1 + dx * dx + dy * dy);
                sumQ += w;
                fx += w * w * dx;
                fy += w * w * dy;
            }
            continue;
        }
        const double dx = x - node.comX, dy = y - node.comY;
        const double d2 = dx * dx + dy * dy;
        // A cell holding the point itself is never summarised for theta < 1/sqrt(2): the point and
        // the centre of mass lie in the cell, so their distance is at most side x sqrt(2).
        if (node.side * node.side < theta2 * d2) {
            const double w = 1 / (1 + d2);
            sumQ += node.count * w;
            fx += node.count * w * w * dx;
            fy += node.count * w * w * dy;
            continue;
        }
        for (int c = 0; c < 4; ++c)
            stack[top++] = node.firstChild + c;
    }
}

} // namespace activelabel::detail
