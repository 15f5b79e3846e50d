#include "common.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include "file_access.h"
#include "text_table.h"
#include "wasteledger/import/values.h"
#include "wasteledger/key_file.h"
#include "wasteledger/time_util.h"

namespace wasteledger::cli {

CLI::Option* AddLedgerOption(CLI::App* app, std::string* dir) {
  return app->add_option("--ledger", *dir, "Ledger directory (env WASTELEDGER_LEDGER)")
      ->check(NonBlank("a ledger directory"))
      ->envname("WASTELEDGER_LEDGER")
      ->required();
}

CLI::Option* AddKeyOption(CLI::App* app, std::string* path, const std::string& what) {
  return app->add_option("--key", *path, what + " (env WASTELEDGER_KEY)")
      ->check(NonBlank("a key file"))
      ->envname("WASTELEDGER_KEY")
      ->required();
}

std::string FoldWasteCode(std::string_view text) { return import::NormalizeText(text); }

CLI::Validator FoldedWasteCode() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        text = FoldWasteCode(text);
        return {};
      },
      "");
}

void AddViewOptions(CLI::App* app, std::string* format, std::string* unit) {
  app->add_option("--format", *format, "text or json")
      ->default_val("text")
      ->check(CLI::IsMember({"text", "json"}));
  app->add_option("--unit", *unit, "Mass unit of the text output: t, kg or g (json is always grams)")
      ->default_val("t")
      ->check(CLI::IsMember({"t", "kg", "g"}));
}

MassUnit ViewUnit(const std::string& unit) {
  if (unit == "kg") return MassUnit::kKilograms;
  if (unit == "g") return MassUnit::kGrams;
  return MassUnit::kTonnes;
}

bool WasteFilter::Matches(const WasteCatalogue& catalogue, const std::string& waste_code) const {
  if (!code.empty()) return waste_code == code;
  return catalogue.Classify(waste_code).category == category;
}

Result<WasteFilter> WasteFilterArg(const WasteCatalogue& catalogue, const std::string& text) {
  const WasteCodeInfo info = catalogue.Classify(text);
  if (info.kind != WasteKind::kMalformed) return WasteFilter{info.code, ""};
  // Letters in any case, as a code's: hw49 is HW49.
  std::string upper = text;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  const Status category = CheckPermitWaste(upper);
  if (category.ok()) return WasteFilter{"", upper};
  // A short value was meant as a category (HW41): say why that one is not.
  const bool looks_like_category = text.size() <= 4;
  return Status::InvalidArgument(
      fmt::format("--waste {}: {}", text, looks_like_category ? category.message() : info.message));
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk:
      return kExitOk;
    case Status::Code::kBusy:
      return kExitBusy;
    case Status::Code::kCorruption:
      return kExitVerifyFailed;
    default:
      return kExitFailed;
  }
}

int Fail(const Status& status) {
  std::fflush(stdout);
  // One line whatever the message quotes (a --reason with a line break, a
  // name with an escape sequence).
  fmt::print(stderr, "wasteledger: error: {}\n", Shown(status.message()));
  return ExitCodeFor(status);
}

void Warn(const std::string& message) { fmt::print(stderr, "wasteledger: warning: {}\n", Shown(message)); }

bool StderrIsTerminal() { return ::isatty(2) == 1; }

std::string SignalName(int sig) {
  switch (sig) {
    case SIGINT:
      return "Ctrl-C (SIGINT)";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    default:
      return fmt::format("signal {}", sig);
  }
}

namespace {

// The state OnInterrupt reads: set before `mode`, which the handler loads.
struct InterruptState {
  std::atomic<int> mode{0};  // 0 off, 1 exit, 2 stop
  std::atomic<int> received{0};
  const char* message = "";
  size_t message_size = 0;
  void (*undo)() = nullptr;
};
InterruptState g_interrupt;
constexpr int kInterruptSignals[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void OnInterrupt(int sig) {
  switch (g_interrupt.mode.load()) {
    case 1: {
      if (g_interrupt.undo != nullptr) g_interrupt.undo();
      ssize_t ignored = ::write(2, g_interrupt.message, g_interrupt.message_size);
      (void)ignored;
      ::_exit(kExitInterrupted);
    }
    case 2:
      g_interrupt.received.store(sig);
      return;
    default:  // as if not handled
      std::signal(sig, SIG_DFL);
      std::raise(sig);
      return;
  }
}

}  // namespace

Interrupts::Interrupts() {
  g_interrupt.mode.store(0);
  g_interrupt.received.store(0);
  for (int sig : kInterruptSignals) std::signal(sig, OnInterrupt);
}

Interrupts::~Interrupts() {
  for (int sig : kInterruptSignals) std::signal(sig, SIG_DFL);
  g_interrupt.mode.store(0);
}

void Interrupts::Off() { g_interrupt.mode.store(0); }

void Interrupts::Exit(const char* message, void (*undo)()) {
  g_interrupt.message = message;
  g_interrupt.message_size = std::strlen(message);
  g_interrupt.undo = undo;
  g_interrupt.mode.store(1);
}

void Interrupts::Stop() { g_interrupt.mode.store(2); }

int Interrupts::received() const { return g_interrupt.received.load(); }

void Interrupts::Hold() {
  sigset_t held;
  sigemptyset(&held);
  for (int sig : kInterruptSignals) sigaddset(&held, sig);
  ::sigprocmask(SIG_BLOCK, &held, &before_);
}

void Interrupts::Release() { ::sigprocmask(SIG_SETMASK, &before_, nullptr); }

Result<std::string> ReadPassphrase(const std::string& prompt) {
  if (const char* env = std::getenv("WASTELEDGER_PASSPHRASE")) return std::string(env);
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return Status::InvalidArgument("a passphrase is needed: set WASTELEDGER_PASSPHRASE or run on a terminal");
  }
  termios old{};
  const bool is_tty = ::tcgetattr(fd, &old) == 0;
  if (is_tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string text = prompt + ": ";
  ssize_t ignored = ::write(fd, text.data(), text.size());
  std::string pass;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') pass.push_back(c);
  if (is_tty) ::tcsetattr(fd, TCSAFLUSH, &old);
  ignored = ::write(fd, "\n", 1);
  (void)ignored;
  ::close(fd);
  return pass;
}

Result<SigningKey> LoadSigningKey(const std::string& path) {
  return ReadKeyFile(path, [](const std::string& prompt) { return ReadPassphrase(prompt); });
}

namespace {
std::string DataDir(const std::string& sub, const std::string& built_in) {
  const char* env = std::getenv("WASTELEDGER_DATA_DIR");
  if (env != nullptr && *env != '\0') return std::string(env) + "/" + sub;
  return built_in;
}
}  // namespace

Result<DomainRules*> LoadDomainRules() {
  // Loaded once per process and kept to its end, so they outlive every
  // Ledger that points at them.
  static std::unique_ptr<DomainRules> rules;
  if (rules) return rules.get();
  auto schemas = SchemaValidator::Load(DataDir("statements", SchemaValidator::DefaultDir()));
  if (!schemas.ok())
    return schemas.status().WithContext("loading the statement schemas (WASTELEDGER_DATA_DIR)");
  auto catalogue = WasteCatalogue::Load(DataDir("catalogue", DefaultCatalogueDir()));
  if (!catalogue.ok())
    return catalogue.status().WithContext("loading the waste catalogue (WASTELEDGER_DATA_DIR)");
  auto loaded = std::make_unique<DomainRules>(std::move(*schemas), std::move(*catalogue));
  loaded->domain.SetSchemaValidator(loaded->schemas.get());
  rules = std::move(loaded);
  return rules.get();
}

Status WithWaitHint(const Status& s) {
  if (s.code() != Status::Code::kBusy) return s;
  return Status::Busy(s.message() + "; run again with --wait to wait until it is free");
}

Result<std::unique_ptr<Ledger>> OpenLedger(const std::string& dir, Ledger::Mode mode, bool wait,
                                           bool restoring) {
  auto opened = Ledger::Open(dir, mode, wait, restoring);
  if (!opened.ok()) return WithWaitHint(opened.status());
  auto ledger = std::move(*opened);
  if (mode == Ledger::Mode::kWrite) {
    WL_ASSIGN_OR_RETURN(DomainRules * rules, LoadDomainRules());
    ledger->SetSchemaValidator(rules->schemas.get());
    ledger->SetStateHook(&rules->domain);
  }
  return ledger;
}

void PrintDomainWarnings() {
  auto rules = LoadDomainRules();
  if (!rules.ok()) return;
  for (const auto& w : (*rules)->domain.warnings()) Warn(w);
}

Result<Submission> SignStatement(const SigningKey& key, const std::string& kind, Json body,
                                 int timezone_minutes, const std::string& time) {
  Json st = {{"v", 1},
             {"kind", kind},
             {"actor", key.verifier().name()},
             {"time", time.empty() ? FormatWithOffset(NowUnixSeconds(), timezone_minutes) : time},
             {"body", std::move(body)}};
  WL_ASSIGN_OR_RETURN(Statement statement, MakeStatement(std::move(st)));
  Submission sub;
  sub.sig = Signature{key.verifier().Ref(), key.Sign(statement.Payload())};
  sub.statement = std::move(statement);
  return sub;
}

Status OneStatement(const Status& s) {
  std::string msg = s.message();
  if (msg.rfind("line 1: ", 0) == 0) msg = msg.substr(8);
  switch (s.code()) {
    case Status::Code::kBusy:
      return Status::Busy(msg);
    case Status::Code::kCorruption:
      return Status::Corruption(msg);
    default:
      return Status::Refused(msg);
  }
}

int AppendOne(Ledger& ledger, const Submission& sub, bool quiet) {
  auto prepared = ledger.Prepare(std::vector<Submission>{sub}, 1u);
  if (!prepared.ok()) return Fail(OneStatement(prepared.status()));
  auto appended = ledger.Append(std::move(*prepared));
  if (!appended.ok()) return Fail(OneStatement(appended.status()));
  PrintDomainWarnings();
  const auto& e = appended->front();
  if (!quiet) {
    if (e.replay) {
      fmt::print("seq {} (already in the ledger)\n", e.seq);
    } else {
      fmt::print("seq {}\n", e.seq);
    }
  }
  return kExitOk;
}

void SkipBom(std::string& line) {
  if (line.starts_with(kUtf8Bom)) line.erase(0, kUtf8Bom.size());
}

std::optional<std::string> ExportBomProblem(std::istream& in) {
  std::string start(kUtf8Bom.size(), '\0');
  in.read(start.data(), static_cast<std::streamsize>(start.size()));
  const bool bom = in.gcount() == static_cast<std::streamsize>(start.size()) && start == kUtf8Bom;
  in.clear();
  in.seekg(0);
  if (!bom) return std::nullopt;
  return "line 1 starts with a UTF-8 byte-order mark (EF BB BF); save the file without it";
}

Status ForEachInputLine(const std::string& path, const std::function<bool(uint64_t, std::string&)>& fn) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (!path.empty() && path != "-") {
    WL_RETURN_IF_ERROR(CheckReadable(path));
    file.open(path, std::ios::binary);
    if (!file) return Status::IOError(fmt::format("cannot read {}", path));
    in = &file;
  }
  std::string line;
  uint64_t no = 0;
  while (std::getline(*in, line)) {
    ++no;
    if (no == 1) SkipBom(line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (!fn(no, line)) break;
  }
  if (in->bad()) return Status::IOError(fmt::format("error reading {}", path.empty() ? "stdin" : path));
  return Status::Ok();
}

}  // namespace wasteledger::cli
