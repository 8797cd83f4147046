from fuqing.oversight.models.assessment import (  # noqa: F401
    Assignment,
    InspectorScore,
    Item,
    ItemKind,
    ResultSheet,
    Rule,
    Scheme,
)
from fuqing.oversight.models.cadres import Recommendation  # noqa: F401
from fuqing.oversight.models.cases import (  # noqa: F401
    CaseSource,
    CaseStatus,
    GoodCase,
    Practice,
    PublicityItem,
)
