// wasteledger verify-proof inclusion|consistency: checks a proof offline,
// against signed checkpoints and the operator's verifier key; no ledger.
#include <fmt/format.h>

#include <array>

#include "common.h"
#include "file_access.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/checkpoint.h"
#include "wasteledger/merkle.h"
#include "wasteledger/signed_note.h"

namespace wasteledger::cli {
namespace {

Result<std::string> ReadWhole(const std::string& path, const std::string& what) {
  auto read = ReadWholeFile(path);
  if (!read.ok()) return read.status().WithContext(what);
  return read;
}

struct Proof {
  uint64_t size = 0;
  uint64_t index = 0;  // inclusion: the leaf; consistency: the old size
  std::vector<Hash> hashes;
};

Result<Proof> ReadProof(const std::string& path, bool inclusion) {
  WL_ASSIGN_OR_RETURN(std::string text, ReadWhole(path, "--proof"));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  auto j = ParseStrictJson(text);
  if (!j.ok()) return j.status().WithContext("--proof " + path);
  const char* index_field = inclusion ? "index" : "old_size";
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument(fmt::format("--proof {}: {}", path, what));
  };
  if (!j->is_object() || !(*j)["size"].is_number_integer() || !(*j)[index_field].is_number_integer() ||
      !(*j)["hashes"].is_array()) {
    return bad(fmt::format("expected {{\"size\":..,\"{}\":..,\"hashes\":[..]}}", index_field));
  }
  Proof p;
  p.size = (*j)["size"].get<uint64_t>();
  p.index = (*j)[index_field].get<uint64_t>();
  for (const auto& h : (*j)["hashes"]) {
    auto hash = h.is_string() ? HashFromHex(h.get<std::string>()) : std::nullopt;
    if (!hash) return bad("\"hashes\" must hold 64-hex-digit strings");
    p.hashes.push_back(*hash);
  }
  return p;
}

class VerifyProofCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("verify-proof", "Check a proof offline against signed checkpoints");
    app->require_subcommand(1);
    app->footer(
        "Run `wasteledger verify-proof SUBCOMMAND --help` for its options.\n\n"
        "Example:\n"
        "  wasteledger verify-proof inclusion --proof p42.json --entry e42.jsonl \\\n"
        "      --checkpoint cp.note --vkey xuchang.example/wasteledger+...\n"
        "  wasteledger verify-proof consistency --proof c.json --old cp-1000.note --new cp.note \\\n"
        "      --vkey xuchang.example/wasteledger+...");
    inclusion_ = app->add_subcommand("inclusion", "Check that an entry is in a checkpointed tree");
    inclusion_->add_option("--proof", proof_, "Proof file from `prove inclusion --format json`")
        ->check(NonBlank("a file"))
        ->required();
    inclusion_->add_option("--checkpoint", checkpoint_, "The checkpoint note")
        ->check(NonBlank("a file"))
        ->required();
    inclusion_->add_option("--entry", entry_, "File holding the entry's line from `export`")
        ->check(NonBlank("a file"))
        ->required();
    inclusion_->add_option("--vkey", vkey_, "The operator's verifier key")
        ->check(NonBlank("a verifier key"))
        ->required();
    inclusion_->footer(
        "Example:\n"
        "  wasteledger export --ledger city.ledger --from 42 --to 42 > e42.jsonl\n"
        "  wasteledger prove inclusion --ledger city.ledger --seq 42 --format json > p42.json\n"
        "  wasteledger verify-proof inclusion --proof p42.json --entry e42.jsonl \\\n"
        "      --checkpoint cp.note --vkey xuchang.example/wasteledger+...");
    consistency_ = app->add_subcommand("consistency", "Check that a newer checkpoint extends an older one");
    consistency_->add_option("--proof", proof_, "Proof file from `prove consistency --format json`")
        ->check(NonBlank("a file"))
        ->required();
    consistency_->add_option("--old", old_, "The older checkpoint note")
        ->check(NonBlank("a file"))
        ->required();
    consistency_->add_option("--new", checkpoint_, "The newer checkpoint note")
        ->check(NonBlank("a file"))
        ->required();
    consistency_->add_option("--vkey", vkey_, "The operator's verifier key")
        ->check(NonBlank("a verifier key"))
        ->required();
    consistency_->footer(
        "Example:\n"
        "  wasteledger prove consistency --ledger city.ledger --old 1000 --format json > c.json\n"
        "  wasteledger verify-proof consistency --proof c.json --old cp-1000.note --new cp.note \\\n"
        "      --vkey xuchang.example/wasteledger+...");
    return app;
  }

  int Run() override {
    auto key = VerifierKey::Parse(vkey_);
    if (!key.ok()) return Fail(key.status().WithContext("--vkey"));
    const bool inclusion = inclusion_->parsed();
    auto cp = OpenNote(inclusion ? "--checkpoint" : "--new", checkpoint_, *key);
    if (!cp.ok()) return NoteFailed(cp.status());
    auto proof = ReadProof(proof_, inclusion);
    if (!proof.ok()) return Fail(proof.status());
    if (proof->size != cp->size) {
      return Fail(Status::InvalidArgument(fmt::format(
          "the proof is for tree size {} but the checkpoint is of size {}", proof->size, cp->size)));
    }
    if (inclusion) {
      auto entry = ReadWhole(entry_, "--entry");
      if (!entry.ok()) return Fail(entry.status());
      std::string line = *entry;
      if (!line.empty() && line.back() == '\n') line.pop_back();
      if (line.find('\n') != std::string::npos) {
        return Fail(Status::InvalidArgument("--entry must hold exactly one exported line"));
      }
      Status s = VerifyInclusion(proof->index, proof->size, HashLeaf(line), proof->hashes, cp->root);
      if (!s.ok()) return Proven(s);
      fmt::print("OK: the entry is seq {} of the tree of size {} signed by {}\n", proof->index, cp->size,
                 cp->origin);
      return kExitOk;
    }
    auto old = OpenNote("--old", old_, *key);
    if (!old.ok()) return NoteFailed(old.status());
    if (old->size != proof->index) {
      return Fail(Status::InvalidArgument(fmt::format(
          "the proof starts at size {} but the old checkpoint is of size {}", proof->index, old->size)));
    }
    Status s = VerifyConsistency(old->size, cp->size, proof->hashes, old->root, cp->root);
    if (!s.ok()) return Proven(s);
    fmt::print("OK: the tree of size {} extends the tree of size {} ({})\n", cp->size, old->size, cp->origin);
    return kExitOk;
  }

 private:
  // A checkpoint whose signature does not verify (forged, or edited after
  // it was signed) fails verification (exit 3); an unreadable one is an error.
  static int NoteFailed(const Status& s) {
    return s.code() == Status::Code::kUnauthenticated ? Proven(s) : Fail(s);
  }
  static int Proven(const Status& s) {
    fmt::print(stderr, "wasteledger: verification failed: {}\n", s.message());
    return kExitVerifyFailed;
  }
  // The checkpoint note `path`, given as `option`, parsed and checked
  // against the operator's key. The note's form and signature are checked
  // here, so that a bad note or one signed by another key is named by the
  // option and file, once (OpenCheckpoint's own message starts with
  // "checkpoint: " as well, which read "checkpoint F: checkpoint: ...").
  static Result<Checkpoint> OpenNote(const std::string& option, const std::string& path,
                                     const VerifierKey& key) {
    const std::string context = option + " " + path;
    WL_ASSIGN_OR_RETURN(std::string text, ReadWhole(path, option));
    auto note = ParseNote(text);
    if (!note.ok()) return note.status().WithContext(context);
    const std::array<VerifierKey, 1> known{key};
    if (Status s = VerifyNote(*note, known); !s.ok())
      return Status::Unauthenticated(s.message()).WithContext(context);
    auto cp = OpenCheckpoint(text, key);
    if (!cp.ok()) return Status::Unauthenticated(cp.status().message()).WithContext(context);
    return cp;
  }

  CLI::App *inclusion_ = nullptr, *consistency_ = nullptr;
  std::string proof_, checkpoint_, entry_, vkey_, old_;
};

}  // namespace

std::unique_ptr<Command> MakeVerifyProofCommand() { return std::make_unique<VerifyProofCommand>(); }

}  // namespace wasteledger::cli
