extension Templates {
    /// 青浦工匠, 青总工〔2018〕39号 (seed 002).
    static let qingpuCraftsman = #"""
id: qingpu-craftsman
title:
  zh: "“青浦工匠”培养选树"
  en: Qingpu Craftsman
organiser:
  zh: 上海市青浦区总工会、上海市青浦区人力资源和社会保障局
  en: Qingpu District Federation of Trade Unions and Qingpu District Human Resources and Social Security Bureau
document: 青总工〔2018〕39号
seed: 002_c1b8120a7186beca.txt
year: 2018
quota: 10
reference_date: "2018-09-10"
subject: person
stages:
  - id: mobilisation
    name: {zh: 动员部署阶段, en: Mobilisation}
    start: "2018-05-01"
    end: "2018-05-31"
  - id: cultivation
    name: {zh: 培育阶段, en: Cultivation}
    start: "2018-06-01"
    end: "2018-06-30"
  - id: nomination
    name: {zh: 选拔推荐阶段, en: Selection and nomination}
    start: "2018-07-01"
    end: "2018-07-31"
  - id: review_notice
    name: {zh: 评审公示阶段, en: Expert review and public notice}
    start: "2018-08-01"
    end: "2018-08-31"
  - id: commendation
    name: {zh: 总结表彰阶段, en: Approval and commendation}
    start: "2018-09-01"
    end: "2018-09-30"
channels: [单位推荐, 个人自荐]
id_prefix: QP
# 《“青浦工匠”申报审批表》 (附件1) is not printed in seed 002: this is the district's usual sheet,
# with 推荐单位 and 单位排序 from the 推荐汇总表 (附件2). "《申报审批表》不得缺项、漏项": every box
# is required (write 无 where there is nothing).
fields:
  - {id: id, label: {zh: 编号, en: No.}, required: false}
  - {id: name, label: {zh: 姓名, en: Name}, required: true}
  - {id: gender, label: {zh: 性别, en: Gender}, required: true, choices: [男, 女]}
  - {id: birth_date, label: {zh: 出生日期, en: Date of birth}, aliases: [出生年月], required: true}
  - {id: ethnicity, label: {zh: 民族, en: Ethnicity}, required: true}
  - {id: union_member, label: {zh: 工会会员, en: Union member}, aliases: [是否工会会员], required: true, choices: [是, 否]}
  - {id: field, label: {zh: 专业领域, en: Field}, required: true}
  - {id: title, label: {zh: 职称（技能等级）, en: Title (skill level)}, required: true}
  - {id: mobile, label: {zh: 手机, en: Mobile}, required: true}
  - {id: address, label: {zh: 联系地址, en: Address}, required: true}
  - {id: employer, label: {zh: 工作单位, en: Employer}, required: true}
  - {id: channel, label: {zh: 推荐方式, en: Nomination channel}, aliases: [推荐途径], required: true, choices: [单位推荐, 个人自荐]}
  - {id: recommender, label: {zh: 推荐单位, en: Recommended by}, required: false}
  - {id: unit_rank, label: {zh: 单位排序, en: Rank within unit}, aliases: [推荐排序, 排序], required: false}
  - {id: awards, label: {zh: 获奖情况, en: Awards}, required: true}
  - {id: honors, label: {zh: 已获荣誉, en: Honours held}, aliases: [荣誉称号], required: true}
  - {id: deeds, label: {zh: 主要事迹, en: Main deeds}, aliases: [详细事迹材料, 事迹材料, 主要事迹简介], required: true}
  - {id: nationality, label: {zh: 国籍, en: Nationality}, required: false, on_form: false}
rules:
  # 三（二）: "“青浦工匠”一般应具有中国国籍，必须是工会会员": 一般应 is a note, 必须 a rule.
  - id: nationality
    type: nationality
    field: nationality
    severity: note
    description: {zh: 一般应具有中国国籍, en: Chinese nationality as a rule}
  - id: union_member
    type: equals
    field: union_member
    value: 是
    description: {zh: 必须是工会会员, en: Must be a trade-union member}
  - id: complete_form
    type: required
    description: {zh: 《申报审批表》不得缺项、漏项, en: The application form may not leave any item blank}
  - id: unit_nomination
    type: required
    values: [recommender, unit_rank]
    unless_field: channel
    unless_values: [个人自荐]
    description: {zh: 单位推荐的须写明推荐单位并在推荐汇总表上排序, en: A unit nomination names the unit and its rank on the unit's summary list}
  # 四、1: "请于推荐汇总表上排序": the unit's ranking goes to the panel; two nominees at one rank are 待核实.
  - id: unit_ranks
    type: unit_ranks
    field: unit_rank
    description: {zh: 推荐单位在推荐汇总表上的排序, en: "The unit's ranking on its summary list"}
  - id: basic_requirements
    type: note
    description: {zh: 热爱祖国，遵守法纪，具有良好的道德品行和职业操守，目前在一线岗位上直接从事生产、技术、研发等工作，由评审组判断, en: "Patriotic and law-abiding, of good character and professional ethics, working now on the front line in production, technology or research: for the panel to judge"}
  # 七、3: "详细事迹材料1000字" names a length, not a limit (no 以内 or 不超过): a longer text is a note.
  - id: deeds_length
    type: max_chars
    field: deeds
    max: 1000
    severity: note
    description: {zh: 详细事迹材料1000字, en: Deeds of about 1000 characters}
  - id: channel
    type: one_of
    field: channel
    values: [单位推荐, 个人自荐]
    description: {zh: 推荐途径分为单位推荐和个人自荐, en: Nominated by a unit or self-nominated}
  # 三（二）: "已经被授予上海市十大工人发明家…者不再参评": looked for in every honour box.
  - id: excluded_honours
    type: excluded_values
    fields: [honors, awards]
    values: [上海市十大工人发明家, 上海市十大职工科技创新英才, 上海市职工技术创新能手, 上海市职工科技创新标兵]
    description: {zh: 已被授予上海市十大工人发明家等称号者不再参评, en: Holders of the listed Shanghai titles are not eligible}
  - id: falsified_material
    type: sanctions
    max: 5
    description: {zh: 弄虚作假的单位或个人5年内不再接受申报, en: A unit or person found to have falsified material is barred for 5 years}
sheet:
  votes: optional
  comment_max_chars: 500
  criteria:
    - id: craft
      name: {zh: 工艺专长, en: Craft expertise}
      max: 25
      rubric:
        zh: 在从事的岗位和职业中，具有一技之长或高超绝技，具有丰富的实践经验和理论知识，在实施工艺、技术等方面拥有重要的地位。
        en: "Has a special skill or a superb technique in the post and trade, rich practical experience and theoretical knowledge, and an important place in carrying out processes and techniques."
    - id: skill
      name: {zh: 先进技能, en: Advanced skill}
      max: 25
      rubric:
        zh: 所具备的技能、技艺在本单位、本行业、本领域处于领先水平，创新成果达到青浦区或上海市先进水平，获得国家专利或在区级以上（包含区级）科技创新成果评选中获奖；拥有一定的社会影响力和知名度。
        en: "Skills lead the unit, trade and field; innovations reach the advanced level of Qingpu or Shanghai, with a national patent or an award in a district-level or higher innovation contest; a certain public influence and renown."
    - id: leadership
      name: {zh: 领军作用, en: Leadership}
      max: 25
      rubric:
        zh: 善于攻坚克难，运用个人技能、技艺带领团队解决实际问题；热心带教徒弟，积极参加“高师带徒”等活动，善于向青年职工普及知识、传授技艺、传承精神，乐于帮助并带动身边的职工共同进步、共同成长。
        en: "Tackles hard problems and leads a team with personal skill to solve real problems; keen to teach apprentices, passes knowledge, skill and spirit on to young workers and helps colleagues grow."
    - id: contribution
      name: {zh: 重要贡献, en: Important contribution}
      max: 25
      rubric:
        zh: 在本单位、本行业、本系统做出重要贡献、取得重要成果，在新技术、新产业、新业态、新模式“四新”经济领域引领创新、做出重要贡献、取得重要成果。
        en: "Has made an important contribution and achievements in the unit, trade or system, and leads innovation in the 'four new' economy."
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
  # Seed 002 五(三) 社会公示 (区总工会、区人社局网站和微信公众号), inside the 评审公示阶段 of 8 月 1 日至 8 月 31 日; no length.
  days: 5
  working_days: true
approval:
  by:
    # Seed 002 五(四) and 三.5: "经由区总工会、区人社局共同讨论审定": two bodies, one approval each.
    - {id: qp-ftu, name: {zh: 青浦区总工会, en: Qingpu District Federation of Trade Unions}}
    - {id: qp-hrss, name: {zh: 青浦区人力资源和社会保障局, en: Qingpu District Human Resources and Social Security Bureau}}
notes:
  - "publicity: 5 working days, this template's conservative choice: seed 002 五(三) orders a 社会公示 within the 评审公示阶段 (8 月 1 日至 8 月 31 日) but gives no length. approval.by: 区总工会 and 区人社局 (五(四) 共同讨论审定): the list is approved only when both have signed. The seed says neither 工作日 nor 天: working days here skip weekends and the public holidays and count the weekends worked instead (调休), from the State Council's annual notice (built-in 2024–2026; other years declared in publicity.calendar, else a notice into them is refused)."
  - "votes: optional. Seed 002 has no vote: a member may add recommend/reject/abstain (shown to the panel, the second tie-break), never required."
  - "pass_mark 60 (合格线): the seed's number (今年培养选树10名) is a plan, not a promise (好中选优); a nominee the panel scores below 60 of 100 on average, the usual 及格线 of a 100-point sheet, has not shown the conditions the seed requires, so is not selected whatever the quota. The seed sets no mark: change it with program amend."
  - "Seed 002 gives no points: the four selection conditions are scored 0–25 integer points each, 100 in all."
  - "不得缺项、漏项: every box of the form is required; write 无 where there is nothing (e.g. 已获荣誉 无)."
  - "推荐单位 and 单位排序 are asked of unit nominations only (a self-nominee has no unit list): rule unit_nomination. The unit's ranking is shown to the panel with the dossier; two nominees one unit ranks alike are 待核实."
  - "The excluded titles are looked for in 已获荣誉 and 获奖情况 alike."
  - "一般应具有中国国籍 and 一线岗位 are judgments: notes for the panel. 必须是工会会员 is a rule."
  - "reference_date is the nomination deadline 2018-09-10 (工作要求 3); the stage calendar says July for nomination."
  - "详细事迹材料1000字 names the length of the deeds, not a limit: a longer text is a note for the panel."
"""#
}
