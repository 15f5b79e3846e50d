// What the waste-domain verbs (generate, dispatch, pickup, handover, receive,
// utilize, dispose, correct, void) share: the actor's options (--ledger,
// --key, --time, --wait), parsing of "A:B[:C]" arguments and masses, and
// the sign-and-append step. The actor is the party whose key signs: the key
// file's name is the party id.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common.h"
#include "wasteledger/mass.h"
#include "wasteledger/time_util.h"

namespace wasteledger::cli {

struct ActorOptions {
  std::string dir;
  std::string key;
  std::string time;  // RFC 3339, or YYYY-MM-DD (00:00 in the ledger's timezone); empty: now
  bool wait = false;
};

// --ledger, --key (described as `key_what`), --time, --wait.
void AddActorOptions(CLI::App* app, ActorOptions* o, const std::string& key_what);

// Builds the body once the ledger is open and the actor known (dispatch
// reads the actor's lots and the next manifest serial).
using BodyBuilder =
    std::function<Result<Json>(Ledger& ledger, const std::string& actor, const Timestamp& when)>;
// Prints the line after "seq N: " once the entry is appended.
using Describer = std::function<std::string(Ledger& ledger, uint64_t seq, const Json& body)>;

// Opens the ledger for writing, loads the key, builds the body, signs it as
// `kind` with a fresh nonce, appends it under the domain rules, prints
// warnings and "seq N: <describe>". Returns the exit code.
int AppendAsActor(const ActorOptions& o, const std::string& kind, const BodyBuilder& build,
                  const Describer& describe);

// Splits "a:b:c" into at most `max_parts` fields (the last keeps any further
// ':'); refuses fewer than `min_parts` naming the option and the value.
Result<std::vector<std::string>> SplitArg(std::string_view option, std::string_view value, size_t min_parts,
                                          size_t max_parts);
// The first ':' separates, from the right: "LOT:MASS" with a lot id that may hold ':'.
// `shape` ("LOT:MASS", "NAME:MASS") is what a malformed value is told to be.
Result<std::pair<std::string, std::string>> SplitLast(std::string_view option, std::string_view value,
                                                      std::string_view shape);

// "a,b,,c" -> {"a","b","c"} (empty items dropped).
std::vector<std::string> SplitList(std::string_view text, char sep = ',');

// A mass argument in grams; zero refused unless allow_zero. The message names
// the option and quotes the value.
Result<int64_t> MassArg(std::string_view option, std::string_view text, bool allow_zero = false);
// Hazard characteristics as the importers read them (import::ParseHazards:
// T, C, I, R, In or their Chinese names, any case, separated by , ， 、 / ;
// or spaces, repeats ignored), in the canonical order T, C, I, R, In. A value
// naming none (无) or an unknown one is refused naming the option.
Result<std::vector<std::string>> HazardsArg(std::string_view option, std::string_view text);
// A waste code in normal form, checked against the catalogue (malformed:
// refused naming the option; unlisted: accepted, the ledger warns).
// Full-width forms are folded first (FoldWasteCode).
Result<std::string> WasteArg(std::string_view option, std::string_view text);

}  // namespace wasteledger::cli
