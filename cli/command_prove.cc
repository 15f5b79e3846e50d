// wasteledger prove inclusion|consistency: RFC 9162 proofs from the stored
// tree, as text or JSON ({"size":..,"index":..,"hashes":[..]}).
#include <fmt/format.h>

#include "common.h"

namespace wasteledger::cli {
namespace {

class ProveCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("prove", "Print an inclusion or consistency proof");
    app->require_subcommand(1);
    app->footer(
        "Run `wasteledger prove SUBCOMMAND --help` for its options.\n\n"
        "Example:\n"
        "  wasteledger prove inclusion --ledger city.ledger --seq 42 --format json > p42.json\n"
        "  wasteledger prove consistency --ledger city.ledger --old 1000 --format json > c.json");
    inclusion_ = app->add_subcommand("inclusion", "Proof that entry SEQ is in the tree of size S");
    AddLedgerOption(inclusion_, &dir_);
    inclusion_->add_option("--seq", seq_, "The entry")->required()->check(WholeNumber());
    inclusion_->add_option("--size", size_, "Tree size (default: the current size)")->check(WholeNumber());
    inclusion_->add_option("--format", format_, "text or json")->check(CLI::IsMember({"text", "json"}));
    inclusion_->footer(
        "Example:\n"
        "  wasteledger prove inclusion --ledger city.ledger --seq 42 --format json > p42.json");
    consistency_ =
        app->add_subcommand("consistency", "Proof that the tree of size S1 is a prefix of size S2");
    AddLedgerOption(consistency_, &dir_);
    consistency_->add_option("--old", old_, "Older tree size S1")->required()->check(WholeNumber());
    consistency_->add_option("--new", size_, "Newer tree size S2 (default: the current size)")
        ->check(WholeNumber());
    consistency_->add_option("--format", format_, "text or json")->check(CLI::IsMember({"text", "json"}));
    consistency_->footer(
        "Example:\n"
        "  wasteledger prove consistency --ledger city.ledger --old 1000 --format json > c.json");
    return app;
  }

  int Run() override {
    auto ledger = OpenLedger(dir_, Ledger::Mode::kRead);
    if (!ledger.ok()) return Fail(ledger.status());
    const uint64_t size = size_ ? *size_ : (*ledger)->size();
    const bool inclusion = inclusion_->parsed();
    auto proof = inclusion ? (*ledger)->InclusionProof(seq_, size) : (*ledger)->ConsistencyProof(old_, size);
    if (!proof.ok()) return Fail(proof.status());
    auto root = (*ledger)->Root(size);
    if (!root.ok()) return Fail(root.status());
    std::vector<std::string> hashes;
    for (const auto& h : *proof) hashes.push_back(ToHex(h));
    if (format_ == "json") {
      Json j = inclusion ? Json{{"size", size}, {"index", seq_}, {"hashes", hashes}}
                         : Json{{"size", size}, {"old_size", old_}, {"hashes", hashes}};
      fmt::print("{}\n", j.dump());
      return kExitOk;
    }
    if (inclusion) {
      auto leaf = (*ledger)->LeafHash(seq_);
      if (!leaf.ok()) return Fail(leaf.status());
      fmt::print("inclusion proof: seq {} in the tree of size {}\nleaf hash {}\n", seq_, size, ToHex(*leaf));
    } else {
      auto old_root = (*ledger)->Root(old_);
      if (!old_root.ok()) return Fail(old_root.status());
      fmt::print("consistency proof: size {} -> size {}\nold root  {}\n", old_, size, ToHex(*old_root));
    }
    fmt::print("root      {}\n", ToHex(*root));
    for (size_t i = 0; i < hashes.size(); ++i) fmt::print("  {:>2}  {}\n", i, hashes[i]);
    return kExitOk;
  }

 private:
  CLI::App *inclusion_ = nullptr, *consistency_ = nullptr;
  std::string dir_, format_ = "text";
  uint64_t seq_ = 0, old_ = 0;
  std::optional<uint64_t> size_;
};

}  // namespace

std::unique_ptr<Command> MakeProveCommand() { return std::make_unique<ProveCommand>(); }

}  // namespace wasteledger::cli
