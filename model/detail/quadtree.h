#pragma once
// INTERNAL to model/: the Barnes-Hut tree of the pool map's t-SNE (model/tsne.h).

#include "model/floatmatrix.h"

#include <cstdint>
#include <vector>

namespace activelabel::detail {

// A region quadtree over 2-D points, rebuilt every t-SNE iteration: nodes know their centre of
// mass and point count, leaves hold up to kLeafSize points. Built by partitioning one index array
// in place (no per-point allocation), nodes and leaf points stored contiguously, so that a
// 100,000-point tree is built in a few milliseconds and traversals stay in cache.
class QuadTree
{
public:
    static constexpr int kLeafSize = 8;

    void build(const FloatMatrix &points);

    // The t-SNE repulsion on point `index` (at x, y): adds sum_j w_ij to `sumQ` and
    // sum_j w_ij^2 (y_i - y_j) to (fx, fy), w = 1 / (1 + |y_i - y_j|^2), j != index, cells far
    // enough (side < theta x distance to their centre of mass) standing for all their points.
    void repulsion(std::int32_t index, double x, double y, double theta2, double &sumQ, double &fx,
                   double &fy) const;

    // Rows in tree order (points close in the plane close in the list): a good work order.
    const std::vector<std::int32_t> &order() const { return m_order; }

private:
    struct Node
    {
        double comX = 0, comY = 0; // centre of mass
        double side = 0;
        std::int32_t count = 0;
        std::int32_t firstChild = -1;    // four consecutive nodes; -1 for a leaf
        std::int32_t begin = 0, end = 0; // its points: m_order / m_x / m_y [begin, end)
    };
    void buildNode(std::int32_t node, double x0, double y0, double side, int depth);

    std::vector<Node> m_nodes;
    std::vector<std::int32_t> m_order;
    std::vector<double> m_x, m_y; // coordinates in tree order
};

} // namespace activelabel::detail
