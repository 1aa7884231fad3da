// Regression fixture: the runner must never include the mock (DESIGN.md). The
// dependency_rule.catches_runner_including_mock test expects the checker to reject this.
#include "../../mock/include/bis/mock/service.h"
