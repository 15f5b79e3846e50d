// wasteledger keygen: a new Ed25519 key file, encrypted unless asked not to.
#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "common.h"
#include "wasteledger/key_file.h"

namespace wasteledger::cli {
namespace {

class KeygenCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("keygen", "Create an Ed25519 key file and print its verifier key");
    app->add_option("--name", name_,
                    "Key name: the party id for a party's key, the ledger origin for the operator's "
                    "checkpoint key")
        ->check(NonBlank("a name"))
        ->required();
    app->add_option("--out", out_, "Key file to write (created 0600, never overwritten)")
        ->check(NonBlank("a file"))
        ->required();
    app->add_flag("--no-passphrase", no_passphrase_,
                  "Write the private key unencrypted (for tests and demos only)");
    app->footer(
        "The passphrase comes from WASTELEDGER_PASSPHRASE or a prompt; the key is encrypted with\n"
        "Argon2id + XSalsa20-Poly1305. Prints the verifier key (vkey) to give to the regulator.\n\n"
        "Example:\n"
        "  wasteledger keygen --name yuzhou-power --out yuzhou-power.key\n"
        "  wasteledger keygen --name xuchang.example/wasteledger --out operator.key");
    return app;
  }

  int Run() override {
    // Refuse an existing file before warning or asking for a passphrase: the
    // refusal is then the one line on stderr. WriteKeyFile still creates the
    // file with O_EXCL, so a file appearing meanwhile is refused there too.
    std::error_code ec;
    if (std::filesystem::symlink_status(out_, ec).type() != std::filesystem::file_type::not_found && !ec) {
      return Fail(Status::Refused("key file " + out_ + " already exists"));
    }
    auto key = SigningKey::Generate(name_);
    if (!key.ok()) return Fail(key.status());
    std::optional<std::string> passphrase;
    if (no_passphrase_) {
      Warn(fmt::format("{} is not encrypted: anyone who can read it can sign as \"{}\"", out_, name_));
    } else {
      auto p1 = ReadPassphrase("passphrase for " + out_);
      if (!p1.ok()) return Fail(p1.status());
      if (std::getenv("WASTELEDGER_PASSPHRASE") == nullptr) {
        auto p2 = ReadPassphrase("repeat the passphrase");
        if (!p2.ok()) return Fail(p2.status());
        if (*p1 != *p2) return Fail(Status::InvalidArgument("the passphrases differ"));
      }
      if (p1->empty())
        return Fail(Status::InvalidArgument("the passphrase is empty (or use --no-passphrase)"));
      passphrase = std::move(*p1);
    }
    Status s = WriteKeyFile(out_, *key, passphrase);
    if (passphrase) std::fill(passphrase->begin(), passphrase->end(), '\0');
    if (!s.ok()) return Fail(s);
    fmt::print("{}\n", key->verifier().ToString());
    return kExitOk;
  }

 private:
  std::string name_, out_;
  bool no_passphrase_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeKeygenCommand() { return std::make_unique<KeygenCommand>(); }

}  // namespace wasteledger::cli
