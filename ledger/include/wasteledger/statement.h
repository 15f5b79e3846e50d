// Statements (what a party signs), submissions (a statement plus its
// signature or seal position, one JSON object per line on the wire) and
// entries (what the log stores), per ledger-format-v1.md.
//
// Wire grammar of a submission line (`sign` writes it, `submit` reads it):
//   {"statement":{...},"sig":{"key":"<name>+<keyID hex>","value":"<base64 sig>"}}
//   {"statement":{...},"seal":{"index":I}}     a member of the sealed batch
//                                              opened by the seal line before it
// Entry grammar (JCS, so members appear in this order):
//   {"logged":..,"prev":..,("seal":{"by":S,"index":I}|)"seq":N,("sig":{...}|)"statement":{...}}
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "wasteledger/hash.h"
#include "wasteledger/status.h"
#include "wasteledger/time_util.h"

namespace wasteledger {

using Json = nlohmann::json;

inline constexpr std::string_view kStatementPrefix = "wasteledger/statement/v1\n";
inline constexpr std::array<std::string_view, 13> kStatementKinds = {
    "genesis", "party",   "generate", "dispatch", "pickup", "handover", "receive",
    "utilize", "dispose", "correct",  "void",     "seal",   "import"};

bool IsKnownKind(std::string_view kind);

// A validated statement with its canonical bytes and hash.
struct Statement {
  Json json;          // the statement object
  std::string jcs;    // JCS(statement)
  Hash hash{};        // SHA-256(kStatementPrefix || jcs)
  std::string kind;
  std::string actor;
  Timestamp time;
  // What the ledger's state hook derived from this statement alone while it
  // was prepared (StateHook::Precompute), for its Apply: an import record's
  // identity. Set by Ledger::Prepare only.
  std::optional<Hash> precomputed;

  std::string Payload() const { return std::string(kStatementPrefix) + jcs; }
};

// Checks the envelope {"v":1,"kind","actor","time","body"[,"nonce"]} (no
// other members), canonicalises and hashes it. Messages name the field.
Result<Statement> MakeStatement(Json statement);
// The same from text that must already be the statement's canonical form
// (a writer that composes statements from canonical pieces): refused, with
// the reason, when it is not; the envelope is checked as above.
Result<Statement> MakeStatementFromCanonical(std::string_view jcs);

struct Signature {
  std::string key;    // "<name>+<keyID hex>"
  std::string value;  // raw 64-byte Ed25519 signature
};

struct Submission {
  Statement statement;
  std::optional<Signature> sig;          // individually signed
  std::optional<uint64_t> seal_index;    // member of a sealed batch
};

// Parses one submission line. Messages name the field.
Result<Submission> ParseSubmission(std::string_view line);
std::string FormatSubmission(const Submission& s);

// What the log stores for one statement.
struct EntryHeader {
  uint64_t seq = 0;
  Hash prev{};
  std::string logged;                 // RFC 3339 UTC with Z
  std::optional<Signature> sig;
  std::optional<uint64_t> seal_by;    // with seal_index
  uint64_t seal_index = 0;
};

// JCS(entry), composed directly from the statement's canonical bytes.
std::string EntryBytes(const EntryHeader& h, const Statement& st);

// Parses stored or exported entry bytes: checks they are canonical JSON of
// the entry grammar, and recovers the statement (hash recomputed).
// kWithoutJson leaves statement.json null (the verifier's mode: it parses a
// body only for the few kinds whose rules need one); everything else is
// filled in and checked the same way.
struct ParsedEntry {
  EntryHeader header;
  Statement statement;
};
enum class EntryParse { kFull, kWithoutJson };
Result<ParsedEntry> ParseEntry(std::string_view bytes, EntryParse mode = EntryParse::kFull);

namespace detail {
// The reference implementation ParseEntry must agree with: parse to a tree,
// re-canonicalise and compare. ParseEntry takes it whenever its one-pass
// reading does not accept the bytes, so errors always come from here.
Result<ParsedEntry> ParseEntryByTree(std::string_view bytes);
}  // namespace detail

}  // namespace wasteledger
