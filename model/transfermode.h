#pragma once

#include <QString>

#include <optional>

namespace activelabel {

// How a training round treats the existing weights (DESIGN.md, "three treatments" plus Auto).
//   frozen      only the head trains; the backbone stays in eval mode (BatchNorm stats fixed).
//   finetune:N  the last N blocks and the head train; the backbone at lr x backboneLrFactor.
//   full        everything trains, warm-started from the current weights.
//   scratch     every weight is re-initialised, then everything trains.
//   auto        chosen per round by Trainer::resolveAuto (rule documented in trainer.h).
struct TransferMode
{
    enum class Kind { Frozen, Finetune, Full, Scratch, Auto };

    Kind kind = Kind::Auto;
    int blocks = 0; // only for Finetune, >= 1

    static TransferMode frozen() { return {Kind::Frozen, 0}; }
    static TransferMode finetune(int n) { return {Kind::Finetune, n}; }
    static TransferMode full() { return {Kind::Full, 0}; }
    static TransferMode scratch() { return {Kind::Scratch, 0}; }
    static TransferMode automatic() { return {Kind::Auto, 0}; }

    // "frozen", "finetune:N" (N >= 1), "full", "scratch", "auto"; nullopt + reason otherwise.
    static std::optional<TransferMode> parse(const QString &text, QString *error = nullptr);
    QString toString() const;

    bool operator==(const TransferMode &o) const { return kind == o.kind && blocks == o.blocks; }
    bool operator!=(const TransferMode &o) const { return !(*this == o); }
};

} // namespace activelabel
