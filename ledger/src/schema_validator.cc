#include "wasteledger/schema_validator.h"

#include "wasteledger/canonical_json.h"

// valijson reports errors by exception when this is 1 (by abort() otherwise);
// every valijson call below is wrapped so that nothing escapes this file.
#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <cctype>
#include <charconv>
#include <exception>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "wasteledger/statement.h"

namespace wasteledger {

struct SchemaValidator::Compiled {
  // Every schema document read, by file name ("dispatch.schema.json"): the
  // messages are written from the titles of the failing field's schema.
  std::map<std::string, Json, std::less<>> documents;
  // The valijson schema of each statement kind.
  std::map<std::string, std::unique_ptr<valijson::Schema>, std::less<>> schemas;
};

namespace {

constexpr size_t kMaxRefHops = 16;
std::string Quote(std::string_view s) { return QuoteForMessage(s); }

std::string SchemaFileName(std::string_view kind) { return std::string(kind) + ".schema.json"; }

// Reads and parses one schema document. The name is a bare file name.
Result<Json> ReadSchemaFile(const std::string& dir, const std::string& name) {
  const std::string path = dir + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(fmt::format("schema file {}: cannot be read", path));
  std::ostringstream text;
  text << in.rdbuf();
  Json doc;
  try {
    doc = Json::parse(text.str());
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(fmt::format("schema file {}: not valid JSON: {}", path, e.what()));
  }
  if (!doc.is_object()) {
    return Status::InvalidArgument(fmt::format("schema file {}: not a JSON object", path));
  }
  return doc;
}

// valijson compiles "pattern" regexes lazily, on first use; compiling them
// here makes a bad pattern a Load error instead of a Validate one.
Status CheckPatterns(const Json& node, const std::string& file) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "pattern" && value.is_string()) {
        try {
          std::regex re(value.get<std::string>());
        } catch (const std::regex_error& e) {
          return Status::InvalidArgument(fmt::format("schema file {}: bad pattern {}: {}", file,
                                                     Quote(value.get<std::string>()), e.what()));
        }
      }
      WL_RETURN_IF_ERROR(CheckPatterns(value, file));
    }
  } else if (node.is_array()) {
    for (const auto& item : node) WL_RETURN_IF_ERROR(CheckPatterns(item, file));
  }
  return Status::Ok();
}

// The file a reference names: "common.schema.json#/definitions/x", or an
// absolute URI ending in it, both mean common.schema.json in the schema dir.
// Empty for a reference that stays in the current document or is not a
// plain file name (no path components leave the directory).
std::string RefFile(std::string_view ref) {
  std::string_view uri = ref.substr(0, ref.find('#'));
  const size_t slash = uri.rfind('/');
  if (slash != std::string_view::npos) uri = uri.substr(slash + 1);
  if (uri.empty() || uri == "." || uri == "..") return "";
  for (char c : uri) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return "";
  }
  return std::string(uri);
}

// One step of a path into a body: a member name or an array index.
struct PathStep {
  bool is_index = false;
  std::string key;
  size_t index = 0;
};

bool IsPlainName(std::string_view key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  for (char c : key) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

std::string FormatPath(std::string_view prefix, const std::vector<PathStep>& steps) {
  std::string out(prefix);
  for (const auto& s : steps) {
    if (s.is_index) {
      out += fmt::format("[{}]", s.index);
    } else if (IsPlainName(s.key)) {
      out += "." + s.key;
    } else {
      out += "[" + Quote(s.key) + "]";
    }
  }
  return out;
}

// Walks schema documents (not valijson's compiled form) to find the schema
// that applies at a path, following $ref between the loaded documents.
class SchemaWalker {
 public:
  SchemaWalker(const std::map<std::string, Json, std::less<>>& docs, const std::string& file)
      : docs_(docs), file_(file) {}

  // The schema node for the body itself, or nullptr.
  const Json* Root() {
    auto it = docs_.find(file_);
    return it == docs_.end() ? nullptr : Resolve(&it->second);
  }

  // The schema of a member or an item of `node`, or nullptr.
  const Json* Child(const Json* node, const PathStep& step) {
    if (node == nullptr || !node->is_object()) return nullptr;
    if (step.is_index) {
      auto items = node->find("items");
      if (items == node->end() || !items->is_object()) return nullptr;
      return Resolve(&*items);
    }
    auto props = node->find("properties");
    if (props == node->end() || !props->is_object()) return nullptr;
    auto prop = props->find(step.key);
    return prop == props->end() ? nullptr : Resolve(&*prop);
  }

 private:
  // Follows "$ref" (a sibling keyword of $ref is ignored, as draft 7 says)
  // and an "allOf" of one schema that stands for the node (party.schema.json).
  const Json* Resolve(const Json* node) {
    for (size_t hop = 0; hop < kMaxRefHops; ++hop) {
      if (!node->is_object()) return node;
      auto all_of = node->find("allOf");
      if (all_of != node->end() && all_of->is_array() && all_of->size() == 1 &&
          !node->contains("type") && !node->contains("properties")) {
        node = &(*all_of)[0];
        continue;
      }
      auto ref = node->find("$ref");
      if (ref == node->end() || !ref->is_string()) return node;
      const std::string text = ref->get<std::string>();
      const std::string file = RefFile(text);
      if (!file.empty()) file_ = file;
      auto doc = docs_.find(file_);
      if (doc == docs_.end()) return nullptr;
      const size_t hash = text.find('#');
      const std::string pointer = hash == std::string::npos ? "" : text.substr(hash + 1);
      try {
        node = &doc->second.at(Json::json_pointer(pointer));
      } catch (const std::exception&) {
        return nullptr;
      }
    }
    return nullptr;
  }

  const std::map<std::string, Json, std::less<>>& docs_;
  std::string file_;  // the document that relative references resolve in
};

// "what was expected" at a schema node: its title, else a phrase from its type.
std::string Expected(const Json& node) {
  if (auto title = node.find("title"); title != node.end() && title->is_string()) {
    return title->get<std::string>();
  }
  if (auto e = node.find("enum"); e != node.end() && e->is_array()) {
    std::string list;
    for (const auto& v : *e) list += (list.empty() ? "" : ", ") + v.dump();
    return "one of " + list;
  }
  if (auto type = node.find("type"); type != node.end() && type->is_string()) {
    const std::string t = type->get<std::string>();
    return (t == "object" || t == "array" || t == "integer" ? "an " : "a ") + t;
  }
  return "valid";
}

// Turns valijson's results into one line. The deepest error (the first of
// the deepest) names the field; the schema at that field says what it must be.
std::string Describe(const std::map<std::string, Json, std::less<>>& documents, std::string_view kind,
                     const Json& body, const valijson::ValidationResults& results,
                     std::string_view prefix) {
  const valijson::ValidationResults::Error* error = nullptr;
  for (const auto& e : results) {
    if (error == nullptr || e.context.size() > error->context.size()) error = &e;
  }
  if (error == nullptr) return fmt::format("{}: does not match the {} schema", prefix, kind);

  // Map the context ["<root>"]["lines"][1]["mass_g"] onto the body: a step
  // into an array is an index, a step into an object a member name.
  std::vector<PathStep> steps;
  const Json* value = &body;
  for (size_t i = 1; i < error->context.size() && value != nullptr; ++i) {
    std::string_view part = error->context[i];
    if (part.size() >= 2 && part.front() == '[' && part.back() == ']') {
      part = part.substr(1, part.size() - 2);
    }
    PathStep step;
    if (value->is_array()) {
      auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), step.index);
      if (ec != std::errc() || end != part.data() + part.size() || step.index >= value->size()) {
        value = nullptr;
        break;
      }
      step.is_index = true;
      value = &(*value)[step.index];
    } else if (value->is_object()) {
      step.key = std::string(part);
      auto member = value->find(step.key);
      value = member == value->end() ? nullptr : &*member;
    } else {
      value = nullptr;
    }
    if (value != nullptr) steps.push_back(std::move(step));
  }
  const std::string path = FormatPath(prefix, steps);
  if (value == nullptr) return fmt::format("{}: {}", path, error->description);

  SchemaWalker walker(documents, SchemaFileName(kind));
  const Json* schema = walker.Root();
  for (const auto& step : steps) schema = walker.Child(schema, step);
  if (schema == nullptr || !schema->is_object()) return fmt::format("{}: {}", path, error->description);

  if (value->is_object() && schema->value("type", "") == "object") {
    const auto props = schema->find("properties");
    const bool closed = schema->contains("additionalProperties") &&
                        schema->at("additionalProperties") == Json(false);
    if (closed) {
      for (const auto& [key, member] : value->items()) {
        if (props == schema->end() || !props->contains(key)) {
          return fmt::format("{}: unknown field {}", path, Quote(key));
        }
      }
    }
    if (auto required = schema->find("required"); required != schema->end() && required->is_array()) {
      for (const auto& name : *required) {
        if (name.is_string() && !value->contains(name.get<std::string>())) {
          return fmt::format("{}: missing required field {}", path, Quote(name.get<std::string>()));
        }
      }
    }
  }
  return fmt::format("{}: must be {}", path, steps.empty() ? "an object" : Expected(*schema));
}

}  // namespace

SchemaValidator::SchemaValidator(std::unique_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}
SchemaValidator::~SchemaValidator() = default;

std::string SchemaValidator::DefaultDir() { return std::string(WASTELEDGER_SCHEMA_DIR) + "/statements"; }

Result<std::unique_ptr<SchemaValidator>> SchemaValidator::Load(const std::string& dir) {
  auto compiled = std::make_unique<Compiled>();
  for (std::string_view kind : kStatementKinds) {
    const std::string file = SchemaFileName(kind);
    WL_ASSIGN_OR_RETURN(Json doc, ReadSchemaFile(dir, file));
    WL_RETURN_IF_ERROR(CheckPatterns(doc, file));

    // Referenced documents are fetched from `dir` by file name; a failure is
    // kept here because valijson only reports the URI it could not fetch.
    Status fetch_error;
    auto fetch = [&](const std::string& uri) -> const Json* {
      const std::string name = RefFile(uri);
      if (name.empty()) {
        fetch_error = Status::InvalidArgument(
            fmt::format("schema file {}: $ref {} does not name a file in {}", file, Quote(uri), dir));
        return nullptr;
      }
      auto known = compiled->documents.find(name);
      if (known != compiled->documents.end()) return new Json(known->second);
      auto ref_doc = ReadSchemaFile(dir, name);
      if (!ref_doc.ok()) {
        fetch_error = ref_doc.status().WithContext(fmt::format("$ref from {}", file));
        return nullptr;
      }
      fetch_error = CheckPatterns(*ref_doc, name);
      if (!fetch_error.ok()) return nullptr;
      compiled->documents.emplace(name, *ref_doc);
      return new Json(std::move(*ref_doc));
    };
    auto free_doc = [](const Json* d) { delete d; };

    auto schema = std::make_unique<valijson::Schema>();
    try {
      valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
      valijson::adapters::NlohmannJsonAdapter adapter(doc);
      parser.populateSchema(adapter, *schema, fetch, free_doc);
    } catch (const std::exception& e) {
      if (!fetch_error.ok()) return fetch_error;
      return Status::InvalidArgument(
          fmt::format("schema file {}/{}: not a valid draft-07 schema: {}", dir, file, e.what()));
    }
    compiled->documents.emplace(file, std::move(doc));
    compiled->schemas.emplace(std::string(kind), std::move(schema));
  }
  return std::unique_ptr<SchemaValidator>(new SchemaValidator(std::move(compiled)));
}

Status SchemaValidator::Validate(const Json& statement) const {
  if (!statement.is_object()) return Status::InvalidArgument("statement: must be an object");
  auto kind = statement.find("kind");
  if (kind == statement.end()) return Status::InvalidArgument("statement: missing required field \"kind\"");
  if (!kind->is_string()) return Status::InvalidArgument("kind: must be a string");
  auto body = statement.find("body");
  if (body == statement.end()) return Status::InvalidArgument("statement: missing required field \"body\"");
  return ValidateBody(kind->get<std::string>(), *body);
}

Status SchemaValidator::ValidateBody(std::string_view kind, const Json& body,
                                     std::string_view path) const {
  auto it = compiled_->schemas.find(kind);
  if (it == compiled_->schemas.end()) {
    return Status::InvalidArgument(fmt::format("kind: unknown statement kind {}", Quote(kind)));
  }
  // valijson::Validator caches compiled regexes in a mutable member, so each
  // thread has its own (keyed by pattern text, so shared by all schemas).
  thread_local valijson::Validator validator(valijson::Validator::kStrongTypes);
  const valijson::adapters::NlohmannJsonAdapter target(body);
  try {
    // The first pass stops at the first failure; only a refusal pays for the
    // second pass, which collects every error with its path.
    if (validator.validate(*it->second, target, nullptr)) return Status::Ok();
    valijson::ValidationResults results;
    (void)validator.validate(*it->second, target, &results);
    return Status::InvalidArgument(Describe(compiled_->documents, kind, body, results, path));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(fmt::format("{}: cannot be checked against the {} schema: {}",
                                               path, kind, e.what()));
  }
}

}  // namespace wasteledger
