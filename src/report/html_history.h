#pragma once

// The history section of report.html (RenderHtml): trend charts and a table over every
// date of Report::history.

#include <string>

#include "report/report.h"

namespace streampro::report {

/// Appends `<section id="history">` to `html`; nothing when the model has no history.
void AppendHistorySection(const Report& report, std::string& html);

}  // namespace streampro::report
