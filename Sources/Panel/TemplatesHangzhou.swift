extension Templates {
    /// 首届杭州工匠, 杭总工〔2016〕34号 (seed 003).
    static let hangzhouCraftsman = #"""
id: hangzhou-craftsman
title:
  zh: 首届“杭州工匠”认定
  en: Hangzhou Craftsman (first selection)
organiser:
  zh: 杭州市总工会
  en: Hangzhou Federation of Trade Unions
document: 杭总工〔2016〕34号
seed: 003_48efb7fb9e2ab461.txt
year: 2016
quota: 30
reference_date: "2016-09-30"
subject: person
stages:
  - id: nomination
    name: {zh: 推荐选送（9月底前报市总工会）, en: Nomination (to the city federation by the end of September)}
    start: "2016-06-20"
    end: "2016-09-30"
  - id: qualification
    name: {zh: 资格审核, en: Qualification check}
  - id: expert_review
    name: {zh: 专家评审, en: Expert review}
  - id: public_notice
    name: {zh: 社会公示, en: Public notice}
  - id: approval
    name: {zh: 领导小组审定（2017年4月底前完成）, en: Approval by the leading group (done by the end of April 2017)}
    end: "2017-04-30"
channels: [单位推荐, 社团推荐, 他人推荐, 个人自荐]
id_prefix: HZ
# The form is the annex of the seed, 首届“杭州工匠”认定工作申报表: 姓名, 年龄, 民族, 专业领域,
# 职称（技能等级）, 联系电话, 手机, 联系地址, 工作单位, 主要事迹简介（600字以内）. The seed's other
# requirements (国籍, 工会会员, 在杭从业年限, 竞赛名次, 突出贡献) are columns a sheet may add
# (on_form: false): checked when present, 待核实 when not.
fields:
  - {id: id, label: {zh: 编号, en: No.}, required: false, on_form: false}
  - {id: name, label: {zh: 姓名, en: Name}, required: true}
  - {id: age, label: {zh: 年龄, en: Age}, required: false}
  - {id: ethnicity, label: {zh: 民族, en: Ethnicity}, required: false}
  - {id: field, label: {zh: 专业领域, en: Field}, required: false}
  - {id: title, label: {zh: 职称（技能等级）, en: Title (skill level)}, required: false}
  - {id: phone, label: {zh: 联系电话, en: Phone}, required: false}
  - {id: mobile, label: {zh: 手机, en: Mobile}, required: false}
  - {id: address, label: {zh: 联系地址, en: Address}, required: false}
  - {id: employer, label: {zh: 工作单位, en: Employer}, required: true}
  - {id: deeds, label: {zh: 主要事迹简介, en: Main deeds}, aliases: [主要事迹, 事迹简介, Summary of deeds], required: true, max_chars: 600}
  - {id: birth_date, label: {zh: 出生日期, en: Date of birth}, aliases: [出生年月], required: false, on_form: false}
  - {id: gender, label: {zh: 性别, en: Gender}, required: false, on_form: false}
  - {id: nationality, label: {zh: 国籍, en: Nationality}, required: false, on_form: false}
  - {id: union_member, label: {zh: 工会会员, en: Union member}, aliases: [是否工会会员], required: false, choices: [是, 否], on_form: false}
  - {id: recommender, label: {zh: 推荐单位, en: Recommended by}, required: false, on_form: false}
  - {id: channel, label: {zh: 推荐方式, en: Nomination channel}, aliases: [推荐途径], required: false, choices: [单位推荐, 社团推荐, 他人推荐, 个人自荐], on_form: false}
  - {id: years_in_trade, label: {zh: 从业年限, en: Years in the trade}, aliases: [在杭从业年限, 工作年限], required: false, on_form: false}
  - {id: contest_award, label: {zh: 竞赛获奖, en: Contest award}, aliases: [竞赛名次, 技能大赛获奖], required: false, on_form: false}
  - {id: awards, label: {zh: 获奖情况, en: Awards}, required: false, on_form: false}
  - {id: outstanding_contribution, label: {zh: 突出贡献, en: Outstanding contribution}, required: false, choices: [是, 否], on_form: false}
  - {id: condition, label: {zh: 符合认定条件（第几条）, en: Condition met (1–5)}, required: false, on_form: false}
rules:
  # 三（一）: "“杭州工匠”应具有中国国籍，必须是工会会员" — both hard; the annex has neither box.
  - id: nationality
    type: nationality
    field: nationality
    description: {zh: 应具有中国国籍, en: Chinese nationality}
  - id: union_member
    type: equals
    field: union_member
    value: 是
    description: {zh: 必须是工会会员, en: Must be a trade-union member}
  - id: required_fields
    type: required
    description: {zh: 申报表必填项齐全（姓名、工作单位、主要事迹简介）, en: "The form's name, employer and summary of deeds are filled"}
  # 三（二）: "须60周岁以下（有突出贡献的可不受年龄限制）"; 以下 includes 60 (民法典 Art. 1259).
  - id: age
    type: max_age
    field: birth_date
    max: 60
    bound: 以下
    unless_field: outstanding_contribution
    unless_values: [是]
    description: {zh: 须60周岁以下（有突出贡献的可不受年龄限制）, en: 60 or under (no age limit for an outstanding contribution)}
  # 三（二）: "在杭从事本专业技能工作不少于10年"; 条件4: "获得世界技能大赛和国家级技能大赛的前3名，省技能大赛的
  # 第1名。（符合此条，不受工作年限的限制。）" The seed does not equate 一等奖 with 第1名.
  - id: years_in_trade
    type: min_years
    field: years_in_trade
    min: 10
    bound: 不少于
    fields: [contest_award, awards]
    contest_places: ["world:3", "national:3", "provincial:1"]
    description: {zh: 在杭从事本专业技能工作不少于10年（获世界、国家级技能大赛前3名或省技能大赛第1名者不受工作年限限制）, en: "At least 10 years in the trade in Hangzhou (waived for world and national top-3 and provincial first places)"}
  # "并符合下列条件之一" and "目前仍在一线岗位上直接从事生产、技术、研发等工作": judgments for the panel.
  - id: conditions
    type: note
    field: condition
    description: {zh: 须符合五项认定条件之一（绝技绝活、特色传统工艺、重大创造革新、竞赛名次、市级大赛第1名），由评审组判断, en: "Must meet one of the five conditions (unique mastery, local crafts, major innovation, contest places, a municipal first place): for the panel to judge"}
  - id: frontline
    type: note
    description: {zh: 目前仍在一线岗位上直接从事生产、技术、研发等工作，由评审组判断, en: "Still works on the front line in production, technology or research: for the panel to judge"}
  # The annex: "主要事迹简介（600字以内，详细材料请另附）"; 以内 includes 600.
  - id: deeds_length
    type: max_chars
    field: deeds
    max: 600
    description: {zh: 主要事迹简介600字以内, en: Summary of deeds within 600 characters}
  - id: channel
    type: one_of
    field: channel
    values: [单位推荐, 社团推荐, 他人推荐, 个人自荐]
    if_blank: pass
    description: {zh: 推荐途径：单位推荐、社团推荐、他人推荐、个人自荐, en: "Nominated by a unit, an association, another person, or self-nominated"}
sheet:
  votes: optional
  comment_max_chars: 500
  criteria:
    - id: mastery
      name: {zh: 绝技绝活, en: Unique mastery}
      max: 30
      rubric:
        zh: 具有他人不可替代的绝技绝活，或创造了在同行业中公认的先进操作法，提高了劳动生产率、产品质量创造了同行业最高水平；职业技能在同行业中处于拔尖水平（条件1、5）。
        en: "An irreplaceable technique, or an advanced method recognised by the trade that raised productivity and set the trade's highest quality; top skill in the trade (conditions 1 and 5)."
    - id: tradition
      name: {zh: 特色传统工艺, en: Local and traditional crafts}
      max: 20
      rubric:
        zh: 在杭州特色、传统工艺等领域刻苦钻研技术，产品追求极致，在同行业、领域中具有较大影响力（条件2）。
        en: "Studies Hangzhou's distinctive and traditional crafts hard, pursues perfection in the product, and has a large influence in the trade (condition 2)."
    - id: innovation
      name: {zh: 技术创新, en: Technical innovation}
      max: 30
      rubric:
        zh: 在技术上有重大创造或革新，有得到国内领先的成果并取得重大经济或社会效益；获世界、国家级、省级技能大赛名次（条件3、4）。
        en: "A major technical creation or innovation, nationally leading results with large economic or social benefit; places in world, national or provincial skills contests (conditions 3 and 4)."
    - id: ethic
      name: {zh: 职业精神, en: Work ethic}
      max: 20
      rubric:
        zh: 有良好的职业道德，爱岗敬业，耐心、专注；工作精益求精、一丝不苟，严谨、专业；勇于创新、甘于奉献，贡献特别突出。
        en: "Good professional ethics, devoted, patient and focused; meticulous, rigorous and professional; innovative and selfless, with a particularly outstanding contribution."
aggregation:
  method: trimmed-mean
  trim: 1
  trim_min: 5
  quorum: 3
  tie_breaks: [median, recommend]
  pass_mark: 60
  hide_others_until_submitted: true
  host_key_allowed: false
publicity:
  # Seed 003 五 社会公示: "通过本市报纸、电视、网络等渠道进行社会公示"; no length.
  days: 5
  working_days: true
approval:
  by:
    # Seed 003 五 领导小组审定: "由首届“杭州工匠”认定工作领导小组讨论审定".
    - {id: hz-leading-group, name: {zh: 杭州工匠认定工作领导小组, en: Hangzhou Craftsman leading group}}
notes:
  - "publicity: 5 working days, this template's conservative choice: seed 003 五 orders a 社会公示 but gives no length. approval.by: the 认定工作领导小组 (领导小组审定), not the expert panel. The seed says neither 工作日 nor 天: working days here skip weekends and the public holidays and count the weekends worked instead (调休), from the State Council's annual notice (built-in 2024–2026; other years declared in publicity.calendar, else a notice into them is refused)."
  - "votes: optional. Seed 003 has no vote: a member may add recommend/reject/abstain (shown to the panel, the second tie-break), never required."
  - "pass_mark 60 (合格线): the seed's number (认定30名) is a plan, not a promise (好中选优); a nominee the panel scores below 60 of 100 on average, the usual 及格线 of a 100-point sheet, has not shown the conditions the seed requires, so is not selected whatever the quota. The seed sets no mark: change it with program amend."
  - "Seed 003 gives no points: this sheet groups the five conditions and the basic requirements into four criteria of 30/20/30/20 points (100 in all)."
  - "The form is the seed's annex (姓名, 年龄, 民族, 专业领域, 职称（技能等级）, 联系电话, 手机, 联系地址, 工作单位, 主要事迹简介); a sheet without 编号 is numbered HZ001, HZ002 … on import."
  - "Ages: from 出生日期 when a sheet carries it (full years at reference_date 2016-09-30, the deadline on the annex), else 年龄 as written. 60周岁以下 includes 60 (民法典 Art. 1259): 60 passes, 61 does not unless 突出贡献 is 是; without that column, over 60 is 待核实."
  - "国籍, 工会会员 and 在杭从业年限 are required by the seed but not asked by the annex: a sheet without them gives 待核实, which the secretary settles in the signed eligibility decision."
  - "The 10-year rule is waived by a world or national contest place 1–3 or a provincial first place, read from 竞赛获奖 or 获奖情况 (金牌 = 1, 银牌 = 2, 铜牌 = 3, 第N名, 前N名); a 一等奖 is not a place (the seed does not equate them): 待核实."
  - "The five conditions and 一线岗位 are judgments: notes for the panel, not rejections."
  - "The seed's 5-year bar does not apply here: Hangzhou only cancels the current application for falsified material."
"""#
}
