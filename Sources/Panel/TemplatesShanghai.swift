extension Templates {
    /// 上海工匠, 沪工总经〔2015〕260号 (seed 000).
    static let shanghaiCraftsman = #"""
id: shanghai-craftsman
title:
  zh: "“上海工匠”培养选树千人计划"
  en: Shanghai Craftsman (the thousand-craftsmen plan)
organiser:
  zh: 上海市总工会
  en: Shanghai Federation of Trade Unions
document: 沪工总经〔2015〕260号
seed: 000_625f08780075687d.txt
feeds:
  # Seed 000 三（三）单位推荐: "由各区县局（产业）工会经筛选、审核后向市总工会申报推荐"; seed 002 is
  # Qingpu's own scheme "为上海工匠培育选树工作……奠定……基础". Promoted ids: QP<year>-<id>.
  - {program: qingpu-craftsman, prefix: QP, channel: 单位推荐}
year: 2016
quota: 100
reference_date: "2016-08-31"
subject: person
stages:
  - id: nomination
    name: {zh: 集中推荐（每年9月前）, en: Nomination (each year before September)}
    end: "2016-08-31"
  - id: qualification
    name: {zh: 资格审核, en: Qualification check}
  - id: expert_review
    name: {zh: 专家评审, en: Expert review}
  - id: public_notice
    name: {zh: 社会公示, en: Public notice}
  - id: approval
    name: {zh: 市总审定, en: Approval by the city federation}
channels: [单位推荐, 社团推荐, 个人自荐]
id_prefix: SH
# Seed 000 prints no form: this is the federation's usual nomination sheet, the identity boxes
# plus what the seed's conditions read (工会会员, 推荐途径, 获奖情况, 主要事迹). Only what the
# seed requires is required; "不受年龄、性别、学历、职级、职称、技能等级、工作年限、荣誉基础等条件限制".
fields:
  - {id: id, label: {zh: 编号, en: No.}, required: false}
  - {id: name, label: {zh: 姓名, en: Name}, required: true}
  - {id: gender, label: {zh: 性别, en: Gender}, required: false, choices: [男, 女]}
  - {id: birth_date, label: {zh: 出生日期, en: Date of birth}, aliases: [出生年月], required: false}
  - {id: ethnicity, label: {zh: 民族, en: Ethnicity}, required: false}
  - {id: nationality, label: {zh: 国籍, en: Nationality}, required: false}
  - {id: union_member, label: {zh: 工会会员, en: Union member}, aliases: [是否工会会员], required: false, choices: [是, 否]}
  - {id: field, label: {zh: 专业领域, en: Field}, required: false}
  - {id: title, label: {zh: 职称（技能等级）, en: Title (skill level)}, required: false}
  - {id: mobile, label: {zh: 手机, en: Mobile}, required: false}
  - {id: employer, label: {zh: 工作单位, en: Employer}, required: true}
  - {id: recommender, label: {zh: 推荐单位, en: Recommended by}, required: false}
  - {id: channel, label: {zh: 推荐方式, en: Nomination channel}, aliases: [推荐途径], required: false, choices: [单位推荐, 社团推荐, 个人自荐]}
  - {id: awards, label: {zh: 获奖情况, en: Awards}, required: false}
  - {id: honors, label: {zh: 已获荣誉, en: Honours held}, required: false}
  - {id: deeds, label: {zh: 主要事迹, en: Main deeds}, aliases: [主要事迹简介, 事迹材料], required: true}
rules:
  # 三（二）: "“上海工匠”一般应具有中国国籍，必须是工会会员". 一般应 is a judgment (a note for the
  # panel); 必须 is a rule.
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
  - id: required_fields
    type: required
    description: {zh: 申报材料必填项齐全（姓名、工作单位、主要事迹）, en: "The nomination's name, employer and main deeds are filled"}
  - id: basic_requirements
    type: note
    description: {zh: 热爱祖国，遵守法纪，具有良好的道德品行和职业操守，目前在一线岗位上直接从事生产、技术、研发等工作，由评审组判断, en: "Patriotic and law-abiding, of good character and professional ethics, working now on the front line in production, technology or research: for the panel to judge"}
  - id: channel
    type: one_of
    field: channel
    values: [单位推荐, 社团推荐, 个人自荐]
    if_blank: pass
    description: {zh: 推荐途径：单位推荐、社团推荐或个人自荐, en: "Nominated by a unit, an association, or self-nominated"}
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
        zh: 在从事的岗位和职业中，拥有一技之长或绝技高招，具有丰富的实践经验和理论知识，在实施工艺、技术等方面拥有不可替代、至关重要的地位。
        en: "Has a special skill or a masterly technique in the post and trade, rich practical experience and theoretical knowledge, and an irreplaceable, vital place in carrying out processes and techniques."
    - id: skill
      name: {zh: 高超技能, en: Superb skill}
      max: 25
      rubric:
        zh: 所具备的技能、技艺在本单位、本行业、本领域处于领先水平，对标上海、全国处于一流水平，同时拥有一定的社会影响力和知名度。
        en: "Skills and techniques lead the unit, the trade and the field, are first-class measured against Shanghai and the nation, with a certain public influence and renown."
    - id: leadership
      name: {zh: 领军作用, en: Leadership}
      max: 25
      rubric:
        zh: 善于解决疑难杂症、善于攻坚克难，运用个人技能、技艺带领团队解决实际问题并屡建战功；热心带教徒弟，积极参加“高师带徒”等活动，善于向青年职工普及知识、传授技艺、传播理念、传承精神，乐于帮助并带动身边的职工共同进步、共同成长。
        en: "Solves hard problems, leads a team with personal skill to solve real problems time and again; keen to teach apprentices (e.g. the master-apprentice scheme), passes knowledge, skill and spirit on to young workers and helps colleagues grow."
    - id: contribution
      name: {zh: 突出贡献, en: Outstanding contribution}
      max: 25
      rubric:
        zh: 在本单位、本行业、本系统做出卓越贡献、取得重要成果，在新技术、新产业、新业态、新模式“四新”经济领域引领创新、做出突出贡献、取得重要成果。
        en: "Has made an outstanding contribution and important achievements in the unit, trade or system, and leads innovation in the 'four new' economy (new technology, industries, business forms and models)."
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
  # Seed 000 三(四) 社会公示: through 解放日报、劳动报、东方网… "通过后进入下一审核程序"; it gives no length.
  days: 5
  working_days: true
approval:
  by:
    # Seed 000 三(四) 市总审定: "由市总工会主席办公会讨论审定“上海工匠”最终人选".
    - {id: sftu, name: {zh: 上海市总工会主席办公会, en: Shanghai FTU chair's office meeting}}
notes:
  - "publicity: 5 working days, this template's conservative choice: seed 000 三(四) orders a 社会公示 after 专家评审 and before 市总审定 but gives no length. approval.by: 市总工会主席办公会 (市总审定), signed by a member of role approver, never by the panel chair. The seed says neither 工作日 nor 天: working days here skip weekends and the public holidays and count the weekends worked instead (调休), from the State Council's annual notice (built-in 2024–2026; other years declared in publicity.calendar, else a notice into them is refused)."
  - "votes: optional. Seed 000 has no vote: a member may add recommend/reject/abstain (shown to the panel, the second tie-break), never required."
  - "pass_mark 60 (合格线): the seed's number (每年培养选树100名) is a plan, not a promise (好中选优); a nominee the panel scores below 60 of 100 on average, the usual 及格线 of a 100-point sheet, has not shown the conditions the seed requires, so is not selected whatever the quota. The seed sets no mark: change it with program amend."
  - "Seed 000 gives no points: the four selection conditions (选树条件) are scored 0–25 integer points each, 100 in all."
  - "The seed sets no length for the deeds and no age, years or honours condition: none is checked."
  - "一般应具有中国国籍 is a note for the panel (a nominee of another nationality is not rejected); 必须是工会会员 is a rule (待核实 when the sheet does not say)."
  - "The seed gives only 每年9月前: the nomination stage ends 2016-08-31 for the first year (2016); set --year at init."
  - "资格审核 checks: union member 是, required fields, channel, the 5-year bar of sanctions.yaml."
"""#
}
