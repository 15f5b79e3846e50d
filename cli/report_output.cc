#include "report_output.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "common.h"
#include "file_access.h"
#include "wasteledger/reports/render.h"

namespace wasteledger::cli {

void ReportOutput::Add(CLI::App* app) {
  app->add_option("--format", format_, "table (default), csv, json, html or xlsx")
      ->check(CLI::IsMember({"table", "csv", "json", "html", "xlsx"}));
  app->add_option("--out", out_, "Write to FILE instead of stdout (required for xlsx)")
      ->check(NonBlank("a file"));
  app->add_option("--lang", lang_, "Labels in zh (default) or en")->check(CLI::IsMember({"zh", "en"}));
  app->add_option("--unit", unit_, "Masses in t (default), kg or g; json is always grams")
      ->check(CLI::IsMember({"t", "kg", "g"}));
  app->add_flag("--bom", bom_, "csv: start with a UTF-8 byte-order mark (for Excel)");
}

std::string ReportOutput::UsageProblem() const {
  if (format_ == "xlsx" && out_.empty()) return "--format xlsx writes a file: give --out FILE.xlsx";
  return "";
}

int ReportOutput::Write(const nlohmann::json& json, const DocumentFn& document) const {
  if (const std::string usage = UsageProblem(); !usage.empty()) {
    fmt::print(stderr, "wasteledger: error: {}\n", usage);
    return kExitUsage;
  }
  std::string bytes;
  if (format_ == "json") {
    bytes = json.dump(2) + "\n";
  } else {
    const auto lang = lang_ == "en" ? reports::Lang::kEn : reports::Lang::kZh;
    const auto unit = unit_ == "kg"  ? reports::MassUnit::kKilogram
                      : unit_ == "g" ? reports::MassUnit::kGram
                                     : reports::MassUnit::kTonne;
    const reports::Document doc = document(lang, unit);
    if (format_ == "csv") {
      bytes = reports::RenderCsv(doc, {bom_});
    } else if (format_ == "html") {
      bytes = reports::RenderHtml(doc);
    } else if (format_ == "xlsx") {
      auto x = reports::RenderXlsx(doc);
      if (!x.ok()) return Fail(x.status());
      bytes = std::move(*x);
    } else {
      bytes = reports::RenderText(doc);
    }
  }
  if (Status s = WriteOutput(out_, bytes); !s.ok()) return Fail(s);
  if (!out_.empty()) std::fprintf(stderr, "wrote %s\n", out_.c_str());
  return kExitOk;
}

Status WriteOutput(const std::string& path, std::string_view bytes) {
  if (path.empty()) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() || std::fflush(stdout) != 0) {
      return Status::IOError("writing to stdout failed");
    }
    return Status::Ok();
  }
  WL_RETURN_IF_ERROR(CheckWritablePath(path).WithContext("--out"));
  const std::string tmp = path + ".partial";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return WriteError(path, errno).WithContext("--out");
  int err = 0;
  if (std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) err = errno;
  if (std::fclose(f) != 0 && err == 0) err = errno;
  if (err == 0 && std::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    std::remove(tmp.c_str());
    return WriteError(path, err).WithContext("--out");
  }
  return Status::Ok();
}

}  // namespace wasteledger::cli
