"""The Open311 service catalog: what residents' apps may report, as data.

Each service type maps to the complaint classification the desk is likely to choose (nature,
kind, department). A request is still *recorded* only: the clerk classifies it, with the
suggestion shown in the complaint's timeline. Every service is ``realtime`` (a request becomes a
complaint at once, so there are no tokens). Edit this module to change the catalog, and bump
``CHANGESET`` (the discovery document and the service list carry it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

CHANGESET = "2026-11-27T00:00:00Z"

Datatype = str  # string, number, datetime, text, singlevaluelist, multivaluelist

# (English, Chinese) name of each department, as residents see it
DEPARTMENT_NAMES: dict[str, tuple[str, str]] = {
    "frontdesk": ("Front desk", "前臺"),
    "security": ("Security", "保安部"),
    "engineering": ("Engineering", "工程部"),
    "cleaning": ("Cleaning and greening", "保潔部"),
    "leasing": ("Leasing", "租務部"),
    "fees": ("Management fees", "管理費部"),
}


@dataclass(frozen=True)
class Value:
    key: str
    name: str


@dataclass(frozen=True)
class Attribute:
    code: str
    label: str  # short label used when the answers are written into the complaint
    description: str  # the question shown to the resident
    datatype: Datatype = "string"
    required: bool = False
    variable: bool = True
    order: int = 1
    datatype_description: str | None = None
    values: tuple[Value, ...] = ()

    def value_name(self, key: str) -> str:
        return next((v.name for v in self.values if v.key == key), key)


@dataclass(frozen=True)
class ServiceType:
    code: str
    name: str
    description: str
    group: str
    keywords: tuple[str, ...]
    nature: str  # suggested complaint nature: communication or valid
    kind: str | None  # suggested kind (communication only): help, consult or vent
    department: str  # suggested department
    notice: str  # the service_notice returned with each request
    attributes: tuple[Attribute, ...] = field(default=())
    type: str = "realtime"

    @property
    def metadata(self) -> bool:
        return bool(self.attributes)

    def attribute(self, code: str) -> Attribute | None:
        return next((a for a in self.attributes if a.code == code), None)


REPAIRS = "Repairs 維修"
CLEANING = "Cleaning and greening 清潔及綠化"
SECURITY = "Security 保安"
OFFICE = "Management office 管理處"

NOTICE_REPAIRS = (
    "The front desk will assess your report and arrange a repair. For an emergency, call the "
    "management office. 前臺會評估並安排維修；如屬緊急情況，請致電管理處。"
)
NOTICE_CLEANING = (
    "The front desk will pass your report to the cleaning team. 前臺會將報告轉交保潔部跟進。"
)
NOTICE_SECURITY = (
    "The front desk will pass your report to the security team. If anyone is in danger, call "
    "999. 前臺會將報告轉交保安部；如有人身危險，請致電999。"
)
NOTICE_OFFICE = "The front desk will reply to you. 前臺會回覆閣下。"

SEVERITIES = (
    Value("dripping", "Dripping 滴水"),
    Value("flowing", "Flowing 流水"),
    Value("flooding", "Flooding 水浸"),
)
LIFT_SYMPTOMS = (
    Value("stopped", "Not moving 停駛"),
    Value("doors", "Doors not working 門故障"),
    Value("noise", "Noise or shaking 異響或震動"),
    Value("other", "Other 其他"),
)
NOISE_SOURCES = (
    Value("neighbour", "Neighbour 鄰居"),
    Value("renovation", "Renovation 裝修"),
    Value("street", "Street or traffic 街道或交通"),
    Value("other", "Other 其他"),
)

SERVICES: tuple[ServiceType, ...] = (
    ServiceType(
        code="water_leak",
        name="Water leak 漏水",
        description="Water leaking or seeping from a ceiling, wall, pipe or window. 天花、牆身、"
        "水管或窗戶漏水或滲水。",
        group=REPAIRS,
        keywords=("water", "leak", "seepage", "pipe", "漏水", "滲水"),
        nature="communication",
        kind="help",
        department="engineering",
        notice=NOTICE_REPAIRS,
        attributes=(
            Attribute(
                code="unit_number",
                label="Unit or place 單位或位置",
                description="Which flat or place is affected? 哪個單位或位置受影響？",
                datatype="string",
                required=True,
                order=1,
                datatype_description="e.g. Block A 8F-1, or Car park B2 例如：A座8樓1室",
            ),
            Attribute(
                code="severity",
                label="Severity 程度",
                description="How bad is it? 情況有多嚴重？",
                datatype="singlevaluelist",
                required=True,
                order=2,
                values=SEVERITIES,
            ),
            Attribute(
                code="flooding_notice",
                label="Notice 注意",
                description="If water is flooding or a pipe has burst, also call the management "
                "office at once. 如遇水浸或爆喉，請同時立即致電管理處。",
                datatype="text",
                variable=False,
                order=3,
            ),
        ),
    ),
    ServiceType(
        code="lift_fault",
        name="Lift fault 升降機故障",
        description="A lift is out of order or behaves oddly. 升降機故障或運作異常。",
        group=REPAIRS,
        keywords=("lift", "elevator", "升降機", "電梯"),
        nature="communication",
        kind="help",
        department="engineering",
        notice=NOTICE_REPAIRS,
        attributes=(
            Attribute(
                code="lift",
                label="Lift 升降機",
                description="Which lift? 哪部升降機？",
                datatype="string",
                required=True,
                order=1,
                datatype_description="e.g. Block A lift 2 例如：A座2號升降機",
            ),
            Attribute(
                code="symptom",
                label="Symptom 情況",
                description="What is wrong? 有何問題？",
                datatype="singlevaluelist",
                order=2,
                values=LIFT_SYMPTOMS,
            ),
        ),
    ),
    ServiceType(
        code="lighting",
        name="Lighting fault 照明故障",
        description="A light in a lobby, corridor, staircase or car park is out. 大堂、走廊、"
        "樓梯或停車場照明故障。",
        group=REPAIRS,
        keywords=("light", "lamp", "bulb", "燈", "照明"),
        nature="communication",
        kind="help",
        department="engineering",
        notice=NOTICE_REPAIRS,
    ),
    ServiceType(
        code="hygiene",
        name="Hygiene and rubbish 衞生及垃圾",
        description="Rubbish, spills, smells or dirty common areas. 垃圾、污漬、異味或公用地方"
        "不潔。",
        group=CLEANING,
        keywords=("rubbish", "garbage", "dirty", "smell", "垃圾", "衞生"),
        nature="communication",
        kind="help",
        department="cleaning",
        notice=NOTICE_CLEANING,
    ),
    ServiceType(
        code="pest",
        name="Pests 蟲鼠",
        description="Rats, cockroaches, mosquitoes or other pests. 老鼠、蟑螂、蚊或其他蟲害。",
        group=CLEANING,
        keywords=("pest", "rat", "cockroach", "mosquito", "蟲", "鼠"),
        nature="communication",
        kind="help",
        department="cleaning",
        notice=NOTICE_CLEANING,
    ),
    ServiceType(
        code="greening",
        name="Gardens and trees 園藝及樹木",
        description="Overgrown plants, fallen branches or garden upkeep. 植物過度生長、斷枝或"
        "園藝保養。",
        group=CLEANING,
        keywords=("garden", "tree", "plant", "grass", "綠化", "樹木"),
        nature="communication",
        kind="help",
        department="cleaning",
        notice=NOTICE_CLEANING,
    ),
    ServiceType(
        code="noise",
        name="Noise 噪音",
        description="Noise from neighbours, renovation or elsewhere. 鄰居、裝修或其他噪音。",
        group=SECURITY,
        keywords=("noise", "loud", "renovation", "噪音", "嘈吵"),
        nature="communication",
        kind="vent",
        department="security",
        notice=NOTICE_SECURITY,
        attributes=(
            Attribute(
                code="noise_time",
                label="When 時間",
                description="When did you hear it? 何時聽到？",
                datatype="datetime",
                order=1,
            ),
            Attribute(
                code="source",
                label="Source 來源",
                description="Where does it come from? 噪音來源？",
                datatype="multivaluelist",
                order=2,
                values=NOISE_SOURCES,
            ),
        ),
    ),
    ServiceType(
        code="security_concern",
        name="Security concern 保安事宜",
        description="A stranger, a broken door lock or anything unsafe. 陌生人、門鎖損壞或其他"
        "不安全情況。",
        group=SECURITY,
        keywords=("security", "stranger", "door", "unsafe", "保安", "陌生人"),
        nature="communication",
        kind="help",
        department="security",
        notice=NOTICE_SECURITY,
    ),
    ServiceType(
        code="parking",
        name="Parking 泊車",
        description="A car blocking a space, an exit or a fire lane. 車輛阻塞車位、出口或消防"
        "通道。",
        group=SECURITY,
        keywords=("parking", "car", "vehicle", "泊車", "車位"),
        nature="communication",
        kind="help",
        department="security",
        notice=NOTICE_SECURITY,
    ),
    ServiceType(
        code="billing_question",
        name="Management fee question 管理費查詢",
        description="A question about a management fee bill or a payment. 有關管理費單或繳費的"
        "查詢。",
        group=OFFICE,
        keywords=("fee", "bill", "payment", "管理費", "繳費"),
        nature="communication",
        kind="consult",
        department="fees",
        notice=NOTICE_OFFICE,
    ),
    ServiceType(
        code="enquiry",
        name="General enquiry 一般查詢",
        description="Any other question for the management office. 其他查詢。",
        group=OFFICE,
        keywords=("question", "enquiry", "information", "查詢"),
        nature="communication",
        kind="consult",
        department="frontdesk",
        notice=NOTICE_OFFICE,
    ),
    ServiceType(
        code="service_complaint",
        name="Complaint about our service 服務投訴",
        description="A complaint about the management office or its staff. 對管理處或其職員的"
        "投訴。",
        group=OFFICE,
        keywords=("complaint", "staff", "service", "投訴", "職員"),
        nature="valid",
        kind=None,
        department="frontdesk",
        notice="The management office takes complaints about its own service seriously; a "
        "manager will follow it up. 管理處重視有關服務的投訴，經理會親自跟進。",
    ),
)

_BY_CODE: dict[str, ServiceType] = {s.code: s for s in SERVICES}


def service(code: str) -> ServiceType | None:
    return _BY_CODE.get(code)


def service_name(code: str | None) -> str | None:
    found = _BY_CODE.get(code or "")
    return found.name if found else code


def department_names(department: str | None) -> tuple[str, str]:
    code = department or "frontdesk"
    return DEPARTMENT_NAMES.get(code, (code, code))


def department_label(department: str | None) -> str:
    """``agency_responsible``: e.g. ``Engineering 工程部``."""
    return " ".join(department_names(department))
