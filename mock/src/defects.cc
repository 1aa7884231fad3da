#include "bis/mock/defects.h"

#include <vector>

#include "bis/common/text.h"

namespace bis::mock {
namespace {

// The three groups, concatenated in enum order; checked once, at first use.
const std::vector<DefectInfo>& catalogue() {
  static const std::vector<DefectInfo> all = [] {
    std::vector<DefectInfo> out;
    for (auto group : {request_defects(), state_defects(), wire_defects()})
      out.insert(out.end(), group.begin(), group.end());
    return out;
  }();
  return all;
}

}  // namespace

std::string_view to_string(Operator op) {
  switch (op) {
    case Operator::kBoundary:
      return "boundary";
    case Operator::kNormalization:
      return "normalization";
    case Operator::kIdentity:
      return "identity and scope";
    case Operator::kPartial:
      return "partial application";
    case Operator::kTime:
      return "time";
    case Operator::kOrdering:
      return "ordering";
    case Operator::kIsolation:
      return "isolation";
    case Operator::kAnswerShape:
      return "answer shape";
  }
  return "boundary";
}

std::span<const DefectInfo> all_defects() { return catalogue(); }

const DefectInfo& info(Defect defect) {
  for (const DefectInfo& d : catalogue()) {
    if (d.defect == defect) return d;
  }
  return catalogue().front();  // unreachable: every Defect has a row (DefectsTest)
}

std::optional<Defect> defect_from_name(std::string_view name) {
  for (const DefectInfo& d : catalogue()) {
    if (d.name == name) return d.defect;
  }
  return std::nullopt;
}

Expected<Defects, std::string> Defects::parse(const std::vector<std::string>& names) {
  Defects out;
  for (const std::string& name : names) {
    if (auto d = defect_from_name(name)) {
      out.add(*d);
      continue;
    }
    std::vector<std::string_view> known;
    for (const DefectInfo& d : catalogue()) known.push_back(d.name);
    std::string msg = "unknown defect '" + name + "'";
    msg += did_you_mean(name, std::span<const std::string_view>(known));
    msg += "; known defects:";
    for (std::string_view k : known) msg += "\n  " + std::string(k);
    return Unexpected{msg};
  }
  return out;
}

std::vector<std::string> Defects::names() const {
  std::vector<std::string> out;
  for (const DefectInfo& d : catalogue()) {
    if (has(d.defect)) out.emplace_back(d.name);
  }
  return out;
}

}  // namespace bis::mock
