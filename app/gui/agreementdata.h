#pragma once

#include "ui/panels/metricsdata.h"

namespace activelabel {

class Database;

// The Agreement tab's data: agreement figures and the review queue (app/agreement), with class
// names and file paths filled in.
AgreementData readAgreementData(Database &db);

} // namespace activelabel
