// SchemaValidator: checks a statement's body against the JSON Schema (draft 7)
// of its kind, schemas/statements/<kind>.schema.json, with valijson. A refusal
// is one line naming the JSON path of the bad field and what was expected:
//   body.lines[1].mass_g: must be an integer >= 1 (grams, at most 2^53-1)
//   body: missing required field "manifest"
//   body: unknown field "mas_g"
// The wording after "must be" is the title of the failing field's schema, so
// the schemas document the messages (see schemas/statements/README.md).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "wasteledger/status.h"

namespace wasteledger {

using Json = nlohmann::json;

// Immutable after Load: Validate may be called concurrently from any number
// of threads (each thread keeps its own compiled-regex cache). Owns the parsed
// schemas; valijson types stay inside schema_validator.cc.
class SchemaValidator {
 public:
  ~SchemaValidator();
  SchemaValidator(const SchemaValidator&) = delete;
  SchemaValidator& operator=(const SchemaValidator&) = delete;

  // Reads <dir>/<kind>.schema.json for every kind in kStatementKinds (and the
  // documents they $ref, such as common.schema.json, from the same dir).
  // IOError names a missing or unreadable file; InvalidArgument names a file
  // that is not JSON or not a schema valijson accepts.
  [[nodiscard]] static Result<std::unique_ptr<SchemaValidator>> Load(const std::string& dir);

  // The schemas shipped with the sources: WASTELEDGER_SCHEMA_DIR "/statements".
  static std::string DefaultDir();

  // Validates statement["body"] against the schema of statement["kind"].
  // InvalidArgument (one line) when the kind is unknown, the body is missing,
  // or the body breaks the schema.
  [[nodiscard]] Status Validate(const Json& statement) const;

  // Validates `body` against the schema of `kind`, naming fields from `path`
  // (the domain layer checks a correct statement's replacement body with
  // path "body.body").
  [[nodiscard]] Status ValidateBody(std::string_view kind, const Json& body,
                                    std::string_view path = "body") const;

 private:
  struct Compiled;  // the valijson schemas and the raw schema documents
  explicit SchemaValidator(std::unique_ptr<Compiled> compiled);

  std::unique_ptr<Compiled> compiled_;
};

}  // namespace wasteledger
