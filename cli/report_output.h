// The output options every report shares (--format, --out, --lang, --unit,
// --bom) and writing a report with them: JSON as built by the report, the
// other formats rendered from its Document. A file is written whole or not
// at all (FILE.partial, then renamed).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "wasteledger/reports/document.h"
#include "wasteledger/status.h"

namespace wasteledger::cli {

class ReportOutput {
 public:
  void Add(CLI::App* app);
  using DocumentFn = std::function<reports::Document(reports::Lang, reports::MassUnit)>;
  // Options that do not go together (--format xlsx without --out): the
  // usage error (exit 2) to print before any work, or "".
  std::string UsageProblem() const;
  // Writes the report; returns the exit code.
  int Write(const nlohmann::json& json, const DocumentFn& document) const;
  const std::string& format() const { return format_; }

 private:
  std::string format_ = "table", out_, lang_ = "zh", unit_ = "t";
  bool bom_ = false;
};

// Writes `bytes` to `path` (via path.partial and a rename), or to stdout for "".
Status WriteOutput(const std::string& path, std::string_view bytes);

}  // namespace wasteledger::cli
