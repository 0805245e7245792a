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
fields:
  - {id: id, label: {zh: 编号, en: No.}, required: true}
  - {id: name, label: {zh: 姓名, en: Name}, required: true}
  - {id: birth_date, label: {zh: 出生日期, en: Date of birth}, required: true}
  - {id: ethnicity, label: {zh: 民族, en: Ethnicity}, required: false}
  - {id: nationality, label: {zh: 国籍, en: Nationality}, required: true}
  - {id: union_member, label: {zh: 工会会员, en: Union member}, required: true, choices: [是, 否]}
  - {id: field, label: {zh: 专业领域, en: Field}, required: true}
  - {id: title, label: {zh: 职称（技能等级）, en: Title (skill level)}, required: false}
  - {id: phone, label: {zh: 联系电话, en: Phone}, required: false}
  - {id: mobile, label: {zh: 手机, en: Mobile}, required: false}
  - {id: address, label: {zh: 联系地址, en: Address}, required: false}
  - {id: employer, label: {zh: 工作单位, en: Employer}, required: true}
  - {id: recommender, label: {zh: 推荐单位, en: Recommended by}, required: false}
  - {id: channel, label: {zh: 推荐方式, en: Nomination channel}, required: true, choices: [单位推荐, 社团推荐, 他人推荐, 个人自荐]}
  - {id: years_in_trade, label: {zh: 从业年限, en: Years in the trade}, required: true}
  - {id: contest_award, label: {zh: 竞赛获奖, en: Contest award}, required: false}
  - {id: outstanding_contribution, label: {zh: 突出贡献, en: Outstanding contribution}, required: false, choices: [是, 否]}
  - {id: condition, label: {zh: 符合认定条件（第几条）, en: Condition met (1–5)}, required: true, choices: ["1", "2", "3", "4", "5"]}
  - {id: deeds, label: {zh: 主要事迹, en: Main deeds}, required: true, max_chars: 600}
rules:
  - id: nationality
    type: equals
    field: nationality
    value: 中国
    values: [中华人民共和国, 中国籍, China, PRC]
    description: {zh: 应具有中国国籍, en: Chinese nationality}
  - id: union_member
    type: equals
    field: union_member
    value: 是
    description: {zh: 必须是工会会员, en: Must be a trade-union member}
  - id: required_fields
    type: required
    description: {zh: 申报表必填项齐全, en: The required fields of the form are filled}
  - id: age
    type: max_age
    field: birth_date
    max: 60
    unless_field: outstanding_contribution
    unless_values: [是]
    description: {zh: 须60周岁以下（有突出贡献的可不受年龄限制）, en: Under 60 (no age limit for an outstanding contribution)}
  - id: years_in_trade
    type: min_years
    field: years_in_trade
    min: 10
    unless_field: contest_award
    unless_values: [世界技能大赛前3名, 国家级技能大赛前3名, 省技能大赛第1名]
    description: {zh: 在杭从事本专业技能工作不少于10年（获第4条所列竞赛名次者不受工作年限限制）, en: At least 10 years in the trade in Hangzhou (waived for the contest places of condition 4)}
  - id: condition
    type: one_of
    field: condition
    values: ["1", "2", "3", "4", "5"]
    description: {zh: 符合五项认定条件之一, en: Meets one of the five conditions}
  - id: deeds_length
    type: max_chars
    field: deeds
    max: 600
    description: {zh: 主要事迹简介600字以内, en: Main deeds within 600 characters}
  - id: channel
    type: one_of
    field: channel
    values: [单位推荐, 社团推荐, 他人推荐, 个人自荐]
    description: {zh: 推荐途径：单位推荐、社团推荐、他人推荐、个人自荐, en: "Nominated by a unit, an association, another person, or self-nominated"}
sheet:
  votes: true
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
  hide_others_until_submitted: true
  host_key_allowed: false
notes:
  - "Seed 003 gives no points: this sheet groups the five conditions and the basic requirements into four criteria of 30/20/30/20 points (100 in all)."
  - "Ages are counted in full years at reference_date 2016-09-30, the deadline on the application form; 60周岁以下 means under 60 (59 passes, 60 fails)."
  - "The 10-year rule is waived when 竞赛获奖 names a condition-4 place (世界技能大赛前3名, 国家级技能大赛前3名, 省技能大赛第1名)."
  - "The form (附件) asks 年龄; this template asks 出生日期 instead so that the age is computed at the reference date. 符合认定条件 names which of the five conditions the nominee claims."
  - "The seed's 5-year bar does not apply here: Hangzhou only cancels the current application for falsified material."
"""#
}
