// Waste codes: the code systems that appear in real ledgers, checked against
// a versioned catalogue kept as CSV data in schemas/catalogue (see its
// README.md and docs/CODES.md for the rules and examples):
//   hazardous    900-041-49   国家危险废物名录 (2021), category HW01-HW40, HW45-HW50
//   2021 general SW02         一般工业固体废物 classes SW01-SW59 (2021 ledger guide)
//   2024 code    441001S07    固体废物分类与代码目录 (2024), class S01-S99
//   construction CW01         this project's codes for the five 建筑垃圾 kinds
// A malformed code is refused; a well-formed code the catalogue does not list
// is accepted with a warning (known == false).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "wasteledger/status.h"

namespace wasteledger {

enum class WasteKind {
  kHazardous,
  kGeneralIndustrial2021,  // SW01..SW59
  kSolidWaste2024,         // 2024 industrial (S01-S59) and other (S90-S99)
  kConstruction,           // CW01..CW99, 2024 S70-S79
  kHousehold,              // 2024 S60-S69
  kAgricultural,           // 2024 S80-S89
  kMalformed,
};

// "hazardous", "general_industrial_2021", ... (stable, for messages and JSON).
std::string_view WasteKindName(WasteKind kind);

struct WasteCodeInfo {
  WasteKind kind = WasteKind::kMalformed;
  std::string code;              // normalised; empty when malformed
  std::string category;          // "HW49", "SW02", "S07", "CW01"; empty when malformed
  std::string category_name_zh;  // from the catalogue; empty when not listed
  bool known = false;            // the category is listed in the catalogue
  std::string message;           // the refusal, or the warning when !known; else empty
};

// Normalises a code by its grammar alone (no catalogue): trims spaces,
// upper-cases letters, writes hazardous codes dashed ("90004149" ->
// "900-041-49") and 2024 codes undashed ("441-001-S07" -> "441001S07").
// InvalidArgument, with a one-line reason, for a malformed code.
[[nodiscard]] Result<std::string> NormaliseWasteCode(std::string_view code);

// An entry of a permit's "wastes": a code in its normalised form, or a whole
// category (HW49, SW02, S07, CW01) that exists. InvalidArgument, naming the
// entry, otherwise.
[[nodiscard]] Status CheckPermitWaste(std::string_view entry);

// Hazard characteristics of the 名录: T 毒性, C 腐蚀性, I 易燃性, R 反应性,
// In 感染性.
enum class Hazard : uint8_t {
  kToxicity = 1,
  kCorrosivity = 2,
  kIgnitability = 4,
  kReactivity = 8,
  kInfectivity = 16,
};

// A set of hazard characteristics; a small value type.
class HazardSet {
 public:
  HazardSet() = default;
  void Add(Hazard h) { bits_ = static_cast<uint8_t>(bits_ | static_cast<uint8_t>(h)); }
  bool Contains(Hazard h) const { return (bits_ & static_cast<uint8_t>(h)) != 0; }
  bool empty() const { return bits_ == 0; }
  uint8_t bits() const { return bits_; }
  // Canonical text in the order T, C, I, R, In joined by ',' ("T,C").
  std::string ToString() const;
  friend bool operator==(HazardSet a, HazardSet b) { return a.bits_ == b.bits_; }

 private:
  uint8_t bits_ = 0;
};

// Parses "T,C", "T/In", "C、T", "t, in" (separators , ， 、 / ; and spaces;
// letters in any case; repeats ignored). Refuses an empty list and unknown
// letters.
[[nodiscard]] Result<HazardSet> ParseHazards(std::string_view text);

// The material streams that the city indicators report on separately.
inline constexpr std::string_view kStreamCoalGangue = "coal_gangue";
inline constexpr std::string_view kStreamFlyAsh = "fly_ash";
inline constexpr std::string_view kStreamSmeltingSlag = "smelting_slag";
inline constexpr std::string_view kStreamByproductGypsum = "byproduct_gypsum";
inline constexpr std::string_view kStreamConstruction = "construction_waste";
inline constexpr std::string_view kStreamOther = "other";

// The catalogue directory shipped with the sources (schemas/catalogue).
std::string DefaultCatalogueDir();

// The loaded catalogue. Immutable after Load: safe to share between threads
// for concurrent const use; cheap enough to copy.
class WasteCatalogue {
 public:
  // Reads hw_categories_2021.csv, hazard_characteristics.csv,
  // sw_classes_2021.csv, s_classes_2024.csv and construction_waste.csv from
  // `dir`. IOError for a missing file; Corruption ("file:line: reason") for a
  // bad header, a malformed or repeated code, or an unknown stream.
  [[nodiscard]] static Result<WasteCatalogue> Load(const std::string& dir);

  WasteCodeInfo Classify(std::string_view code) const;

  // One of the kStream* constants (static storage). "other" for hazardous,
  // unlisted and malformed codes; construction_waste for every construction
  // code, listed or not.
  std::string_view StreamOf(std::string_view code) const;

  // The Chinese name of a hazard characteristic, from the catalogue.
  const std::string& HazardNameZh(Hazard h) const;

  // Number of listed categories ("HW01", "SW02", "S07", "CW01"...).
  size_t size() const { return categories_.size(); }

 private:
  struct Category {
    std::string name_zh;
    std::string_view stream;  // a kStream* constant
  };
  std::map<std::string, Category, std::less<>> categories_;
  std::map<uint8_t, std::string> hazard_names_;
};

}  // namespace wasteledger
