#include "wasteledger/statement.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "wasteledger/canonical_json.h"

namespace wasteledger {

bool IsKnownKind(std::string_view kind) {
  return std::find(kStatementKinds.begin(), kStatementKinds.end(), kind) != kStatementKinds.end();
}

namespace {

Status FieldError(std::string_view field, std::string_view what) {
  return Status::InvalidArgument(fmt::format("statement field {}: {}", QuoteForMessage(field), what));
}

Result<std::string> GetString(const Json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end()) return FieldError(field, "missing");
  if (!it->is_string()) return FieldError(field, "must be a string");
  return it->get<std::string>();
}

// Appends a JSON string (JCS escaping) for values that are known to be plain
// printable ASCII without quote or backslash (hex, base64, RFC 3339 times).
void AppendPlainString(std::string& out, std::string_view s) {
  out.push_back('"');
  out.append(s);
  out.push_back('"');
}

// A signature's key, "<name>+<keyID hex>": a key name is any UTF-8 without
// spaces or "+" (C2SP signed note), a party id such as 禹州热电 included; the
// text is already valid UTF-8 (JSON), so only ASCII controls, quote and
// backslash are ruled out here (the key must still match a registered one).
bool IsKeyText(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || (u >= 0x20 && u < 0x7f && c != '"' && c != '\\');
  });
}

Result<Signature> ParseSig(const Json& sig) {
  if (!sig.is_object() || sig.size() != 2 || !sig.contains("key") || !sig.contains("value")) {
    return Status::InvalidArgument("\"sig\" must be {\"key\":\"<name>+<keyID>\",\"value\":\"<base64>\"}");
  }
  if (!sig["key"].is_string() || !sig["value"].is_string()) {
    return Status::InvalidArgument("\"sig.key\" and \"sig.value\" must be strings");
  }
  Signature s;
  s.key = sig["key"].get<std::string>();
  auto raw = FromBase64(sig["value"].get<std::string>());
  if (!raw || raw->size() != 64) {
    return Status::InvalidArgument("\"sig.value\" is not the base64 of a 64-byte Ed25519 signature");
  }
  s.value = std::move(*raw);
  if (!IsKeyText(s.key) || s.key.find('+') == std::string::npos) {
    return Status::InvalidArgument(fmt::format("\"sig.key\" \"{}\" is not <name>+<keyID hex>", s.key));
  }
  return s;
}

Result<uint64_t> GetIndex(const Json& obj, const char* field) {
  auto it = obj.find(field);
  if (it == obj.end() || !it->is_number_integer() || it->get<int64_t>() < 0) {
    return Status::InvalidArgument(fmt::format("\"{}\" must be a non-negative integer", field));
  }
  return static_cast<uint64_t>(it->get<int64_t>());
}

}  // namespace

namespace {

// Checks the envelope and fills in everything but jcs and hash.
Status CheckEnvelope(const Json& statement, Statement& st);

// Builds the statement; `jcs` is its canonical form when the caller already
// holds it (an entry's bytes embed it), else it is computed.
Result<Statement> BuildStatement(Json statement, std::optional<std::string_view> jcs) {
  Statement st;
  WL_RETURN_IF_ERROR(CheckEnvelope(statement, st));
  if (jcs) {
    st.jcs = std::string(*jcs);
  } else {
    WL_ASSIGN_OR_RETURN(st.jcs, Canonicalize(statement));
  }
  st.hash = Sha256(kStatementPrefix, st.jcs);
  st.json = std::move(statement);
  return st;
}

}  // namespace

Result<Statement> MakeStatement(Json statement) { return BuildStatement(std::move(statement), std::nullopt); }

Result<Statement> MakeStatementFromCanonical(std::string_view jcs) {
  WL_ASSIGN_OR_RETURN(Json statement, ParseStrictJson(jcs));
  if (!IsCanonicalJson(jcs)) {
    return Status::InvalidArgument("statement text is not in canonical form (RFC 8785: member order, escapes, "
                                   "no white space)");
  }
  return BuildStatement(std::move(statement), jcs);
}

namespace {

Status CheckEnvelope(const Json& statement, Statement& st) {
  if (!statement.is_object()) return Status::InvalidArgument("statement must be a JSON object");
  for (const auto& [key, value] : statement.items()) {
    if (key != "v" && key != "kind" && key != "actor" && key != "time" && key != "body" &&
        key != "nonce") {
      return FieldError(key, "unknown member (allowed: v, kind, actor, time, body, nonce)");
    }
  }
  auto v = statement.find("v");
  if (v == statement.end()) return FieldError("v", "missing");
  if (!v->is_number_integer() || v->get<int64_t>() != 1) return FieldError("v", "must be 1");
  WL_ASSIGN_OR_RETURN(st.kind, GetString(statement, "kind"));
  if (!IsKnownKind(st.kind)) {
    return FieldError("kind", fmt::format("unknown kind \"{}\"", st.kind));
  }
  WL_ASSIGN_OR_RETURN(st.actor, GetString(statement, "actor"));
  if (st.actor.empty() || st.actor.find('+') != std::string::npos ||
      std::any_of(st.actor.begin(), st.actor.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20; })) {
    return FieldError("actor", "must be a party id (non-empty, no spaces, no '+')");
  }
  WL_ASSIGN_OR_RETURN(const std::string time, GetString(statement, "time"));
  auto ts = ParseRfc3339(time);
  if (!ts.ok()) return FieldError("time", ts.status().message());
  st.time = *ts;
  auto body = statement.find("body");
  if (body == statement.end()) return FieldError("body", "missing");
  if (!body->is_object()) return FieldError("body", "must be a JSON object");
  auto nonce = statement.find("nonce");
  if (nonce != statement.end() && !nonce->is_string()) return FieldError("nonce", "must be a string");
  return Status::Ok();
}

}  // namespace

Result<Submission> ParseSubmission(std::string_view line) {
  WL_ASSIGN_OR_RETURN(Json j, ParseStrictJson(line));
  if (!j.is_object()) return Status::InvalidArgument("a submission line must be a JSON object");
  auto st = j.find("statement");
  if (st == j.end()) return Status::InvalidArgument("submission has no \"statement\"");
  const bool has_sig = j.contains("sig");
  const bool has_seal = j.contains("seal");
  if (j.size() != 2 || has_sig == has_seal) {
    return Status::InvalidArgument(
        "a submission is {\"statement\":..,\"sig\":..} or {\"statement\":..,\"seal\":{\"index\":I}}");
  }
  Submission sub;
  WL_ASSIGN_OR_RETURN(sub.statement, MakeStatement(std::move(*st)));
  if (has_sig) {
    WL_ASSIGN_OR_RETURN(sub.sig, ParseSig(j["sig"]));
  } else {
    const Json& seal = j["seal"];
    if (!seal.is_object() || seal.size() != 1) {
      return Status::InvalidArgument("\"seal\" in a submission must be {\"index\":I}");
    }
    WL_ASSIGN_OR_RETURN(sub.seal_index, GetIndex(seal, "index"));
  }
  return sub;
}

std::string FormatSubmission(const Submission& s) {
  std::string out = "{";
  if (s.seal_index) {
    out += fmt::format("\"seal\":{{\"index\":{}}},", *s.seal_index);
  } else {
    auto key = Canonicalize(Json(s.sig->key));
    out += fmt::format("\"sig\":{{\"key\":{},\"value\":\"{}\"}},", key.ok() ? *key : "\"\"",
                       ToBase64(s.sig->value));
  }
  out += "\"statement\":";
  out += s.statement.jcs;
  out += "}";
  return out;
}

std::string EntryBytes(const EntryHeader& h, const Statement& st) {
  std::string out;
  out.reserve(st.jcs.size() + 256);
  out += "{\"logged\":";
  AppendPlainString(out, h.logged);
  out += ",\"prev\":";
  AppendPlainString(out, ToHex(h.prev));
  if (h.seal_by) out += fmt::format(",\"seal\":{{\"by\":{},\"index\":{}}}", *h.seal_by, h.seal_index);
  out += fmt::format(",\"seq\":{}", h.seq);
  if (h.sig) {
    out += ",\"sig\":{\"key\":";
    AppendPlainString(out, h.sig->key);
    out += ",\"value\":";
    AppendPlainString(out, ToBase64(h.sig->value));
    out += "}";
  }
  out += ",\"statement\":";
  out += st.jcs;
  out += "}";
  return out;
}

namespace {

// The one-pass reading of an entry: accepts only what the reference path
// accepts (canonical bytes, the entry grammar, a valid envelope) and gives
// up (nullopt) on anything else, including values that are valid but
// unusual (escapes in the few strings read here), leaving the verdict and
// its message to the reference path.
bool ReadIndex(std::string_view text, uint64_t* out) {
  if (text.empty() || text[0] == '-') return false;
  return std::from_chars(text.data(), text.data() + text.size(), *out).ec == std::errc();
}

// A string value without escapes: its text between the quotes.
std::optional<std::string_view> PlainString(std::string_view value) {
  if (value.size() < 2 || value.front() != '"' || value.find('\\') != std::string_view::npos) {
    return std::nullopt;
  }
  return value.substr(1, value.size() - 2);
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<Signature> ReadSig(std::string_view text) {
  std::vector<JsonMemberText> m;
  if (!IsCanonicalJson(text, &m) || m.size() != 2 || m[0].key != "key" || m[1].key != "value") return std::nullopt;
  auto key = PlainString(m[0].value);
  auto value = PlainString(m[1].value);
  if (!key || !value || !IsKeyText(*key) || key->find('+') == std::string_view::npos) return std::nullopt;
  auto raw = FromBase64(*value);
  if (!raw || raw->size() != 64) return std::nullopt;
  return Signature{std::string(*key), std::move(*raw)};
}

std::optional<Statement> ReadStatement(std::string_view jcs, EntryParse mode) {
  std::vector<JsonMemberText> m;
  if (!IsCanonicalJson(jcs, &m)) return std::nullopt;
  Statement st;
  bool v = false, kind = false, actor = false, time = false, body = false;
  for (const auto& member : m) {
    const std::string_view value = member.value;
    if (member.key == "v") {
      v = value == "1";
    } else if (member.key == "kind") {
      auto k = PlainString(value);
      if (!k || !IsKnownKind(*k)) return std::nullopt;
      st.kind = std::string(*k);
      kind = true;
    } else if (member.key == "actor") {
      auto a = PlainString(value);
      if (!a || a->empty() || a->find('+') != std::string_view::npos ||
          std::any_of(a->begin(), a->end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20; })) {
        return std::nullopt;
      }
      st.actor = std::string(*a);
      actor = true;
    } else if (member.key == "time") {
      auto t = PlainString(value);
      if (!t) return std::nullopt;
      auto ts = ParseRfc3339(*t);
      if (!ts.ok()) return std::nullopt;
      st.time = *ts;
      time = true;
    } else if (member.key == "body") {
      body = value.front() == '{';
    } else if (member.key == "nonce") {
      if (value.front() != '"') return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  if (!v || !kind || !actor || !time || !body) return std::nullopt;
  if (mode == EntryParse::kFull) {
    auto json = ParseStrictJson(jcs);
    if (!json.ok()) return std::nullopt;
    st.json = std::move(*json);
  }
  st.jcs = std::string(jcs);
  st.hash = Sha256(kStatementPrefix, st.jcs);
  return st;
}

std::optional<ParsedEntry> ReadEntry(std::string_view bytes, EntryParse mode) {
  std::vector<JsonMemberText> m;
  if (!IsCanonicalJson(bytes, &m)) return std::nullopt;
  ParsedEntry e;
  bool seq = false, prev = false, logged = false, sig = false, seal = false, statement = false;
  for (const auto& member : m) {
    const std::string_view value = member.value;
    if (member.key == "seq") {
      seq = ReadIndex(value, &e.header.seq);
    } else if (member.key == "prev") {
      auto hex = PlainString(value);
      if (!hex || hex->size() != 64 || !IsLowerHex(*hex)) return std::nullopt;
      auto h = HashFromHex(*hex);
      if (!h) return std::nullopt;
      e.header.prev = *h;
      prev = true;
    } else if (member.key == "logged") {
      auto t = PlainString(value);
      if (!t || t->empty() || t->back() != 'Z' || !ParseRfc3339(*t).ok()) return std::nullopt;
      e.header.logged = std::string(*t);
      logged = true;
    } else if (member.key == "sig") {
      e.header.sig = ReadSig(value);
      sig = e.header.sig.has_value();
    } else if (member.key == "seal") {
      std::vector<JsonMemberText> s;
      if (!IsCanonicalJson(value, &s) || s.size() != 2 || s[0].key != "by" || s[1].key != "index") {
        return std::nullopt;
      }
      uint64_t by = 0;
      if (!ReadIndex(s[0].value, &by) || !ReadIndex(s[1].value, &e.header.seal_index)) return std::nullopt;
      e.header.seal_by = by;
      seal = true;
    } else if (member.key == "statement") {
      auto st = ReadStatement(value, mode);
      if (!st) return std::nullopt;
      e.statement = std::move(*st);
      statement = true;
    } else {
      return std::nullopt;
    }
  }
  if (!seq || !prev || !logged || sig == seal || !statement) return std::nullopt;
  return e;
}

}  // namespace

Result<ParsedEntry> ParseEntry(std::string_view bytes, EntryParse mode) {
  if (auto e = ReadEntry(bytes, mode)) return std::move(*e);
  auto e = detail::ParseEntryByTree(bytes);
  // The reference path accepted what the one-pass reading gave up on (an
  // escape in a name or time, say): same entry, json dropped if not wanted.
  if (e.ok() && mode == EntryParse::kWithoutJson) e->statement.json = Json();
  return e;
}

Result<ParsedEntry> detail::ParseEntryByTree(std::string_view bytes) {
  WL_ASSIGN_OR_RETURN(Json j, ParseStrictJson(bytes));
  if (!j.is_object()) return Status::Corruption("entry is not a JSON object");
  WL_ASSIGN_OR_RETURN(std::string canonical, Canonicalize(j));
  if (canonical != bytes) return Status::Corruption("entry bytes are not canonical JSON (RFC 8785)");
  for (const auto& [key, value] : j.items()) {
    if (key != "seq" && key != "prev" && key != "logged" && key != "statement" && key != "sig" &&
        key != "seal") {
      return Status::Corruption(fmt::format("entry has unknown member {}", QuoteForMessage(key)));
    }
  }
  ParsedEntry e;
  auto seq = GetIndex(j, "seq");
  if (!seq.ok()) return Status::Corruption("entry " + seq.status().message());
  e.header.seq = *seq;
  if (!j.contains("prev") || !j["prev"].is_string()) return Status::Corruption("entry has no \"prev\"");
  auto prev = HashFromHex(j["prev"].get<std::string>());
  if (!prev || ToHex(*prev) != j["prev"].get<std::string>()) {
    return Status::Corruption("entry \"prev\" is not 64 lowercase hex digits");
  }
  e.header.prev = *prev;
  if (!j.contains("logged") || !j["logged"].is_string()) {
    return Status::Corruption("entry has no \"logged\" time");
  }
  e.header.logged = j["logged"].get<std::string>();
  if (e.header.logged.empty() || e.header.logged.back() != 'Z' ||
      !ParseRfc3339(e.header.logged).ok()) {
    return Status::Corruption("entry \"logged\" is not an RFC 3339 UTC time ending in Z");
  }
  const bool has_sig = j.contains("sig");
  const bool has_seal = j.contains("seal");
  if (has_sig == has_seal) return Status::Corruption("entry must carry exactly one of \"sig\" and \"seal\"");
  if (has_sig) {
    auto sig = ParseSig(j["sig"]);
    if (!sig.ok()) return Status::Corruption("entry " + sig.status().message());
    e.header.sig = std::move(*sig);
  } else {
    const Json& seal = j["seal"];
    auto by = seal.is_object() && seal.size() == 2 ? GetIndex(seal, "by")
                                                   : Result<uint64_t>(Status::Corruption("x"));
    auto index = seal.is_object() ? GetIndex(seal, "index") : Result<uint64_t>(Status::Corruption("x"));
    if (!by.ok() || !index.ok()) return Status::Corruption("entry \"seal\" must be {\"by\":S,\"index\":I}");
    e.header.seal_by = *by;
    e.header.seal_index = *index;
  }
  if (!j.contains("statement")) return Status::Corruption("entry has no \"statement\"");
  // The entry is canonical and "statement" sorts last, so its canonical bytes
  // are the entry's tail; no member before it can hold this key text.
  static constexpr std::string_view kMember = ",\"statement\":";
  const size_t at = bytes.find(kMember);
  if (at == std::string_view::npos) return Status::Corruption("entry has no \"statement\" member");
  const size_t begin = at + kMember.size();
  auto st = BuildStatement(std::move(j["statement"]), bytes.substr(begin, bytes.size() - 1 - begin));
  if (!st.ok()) return Status::Corruption("entry " + st.status().message());
  e.statement = std::move(*st);
  return e;
}

}  // namespace wasteledger
