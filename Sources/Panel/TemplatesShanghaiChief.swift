extension Templates {
    /// 上海市首席技师资助项目 (seed 001, with seed 004's district leg): the city level Jing'an's
    /// chief-technician projects are "择优推荐申报" to (seed 004 二). Seed 001 says only that the
    /// city HR bureau funds chief technicians (1,816 by 2019) for 技术创新、技能攻关、技艺传承;
    /// everything else here is this template's choice, and says so in its notes.
    static let shanghaiChiefTechnician = #"""
id: shanghai-chief-technician
title:
  zh: 上海市首席技师资助项目
  en: Shanghai chief-technician funding
organiser:
  zh: 上海市人力资源和社会保障局
  en: Shanghai Municipal Human Resources and Social Security Bureau
document: 沪工总基〔2020〕90号（市人社局首席技师资助制度）；静安区建立首席技师资助项目及技能大师工作室专项行动计划（2019年3月25日）二
seed: 001_b82d5d8b75da2b02.txt
feeds:
  # Seed 004 二: "对符合条件的区级首席技师资助项目……择优推荐申报上海市首席技师资助项目".
  - {program: jingan-chief-technician, prefix: JA, channel: 区级推荐}
year: 2019
quota: 100
subject: project
stages:
  - id: district_recommendation
    name: {zh: 区人社局择优推荐, en: Recommendation by the district HR bureaus}
  - id: qualification
    name: {zh: 资格审核, en: Qualification check}
  - id: expert_review
    name: {zh: 专家评审, en: Expert review}
  - id: public_notice
    name: {zh: 社会公示, en: Public notice}
  - id: approval
    name: {zh: 市人社局审定并资助, en: Approval and funding by the city HR bureau}
channels: [区级推荐, 单位申报]
fields:
  - {id: id, label: {zh: 编号, en: No.}, required: true}
  - {id: name, label: {zh: 首席技师姓名, en: Chief technician}, required: true}
  - {id: title, label: {zh: 职称（技能等级）, en: Title (skill level)}, required: true}
  - {id: field, label: {zh: 专业领域, en: Field}, required: true}
  - {id: employer, label: {zh: 申报单位, en: Applying unit}, required: true}
  - {id: recommender, label: {zh: 推荐单位（主管委办局）, en: Recommended by (supervising bureau)}, required: false}
  - {id: recommending_level, label: {zh: 推荐层级, en: Recommending level}, required: false}
  - {id: channel, label: {zh: 推荐方式, en: Nomination channel}, required: false, choices: [区级推荐, 单位申报]}
  - {id: mobile, label: {zh: 手机, en: Mobile}, required: false}
  - {id: frontline, label: {zh: 在一线岗位直接从事生产技术或技能培训, en: Works on the front line in production or skills training}, required: false, choices: [是, 否]}
  - {id: technician_equivalent, label: {zh: 无国家职业标准经行业水平认定, en: No national standard; recognised by the trade}, required: false, choices: [是, 否]}
  - {id: in_term, label: {zh: 首席技师在聘期内, en: The chief technician is within the appointment term}, required: false, choices: [是, 否]}
  - {id: awards, label: {zh: 获奖情况, en: Awards}, required: false}
  - {id: deeds, label: {zh: 项目简介, en: Project summary}, required: true}
rules:
  - id: required_fields
    type: required
    description: {zh: 申报材料必填项齐全, en: The required fields of the application are filled}
  - id: channel
    type: one_of
    field: channel
    values: [区级推荐, 单位申报]
    description: {zh: 区级择优推荐或用人单位申报, en: Recommended by a district or applied for by the employing unit}
sheet:
  votes: true
  comment_max_chars: 500
  criteria:
    - id: innovation
      name: {zh: 技术创新, en: Technical innovation}
      max: 30
      rubric:
        zh: 开展技术创新：技术革新、新技术新工艺的推广、先进操作法的总结（种子001：首席技师“开展技术创新、技能攻关、技艺传承等工作”）。
        en: "Technical innovation: improvements, spreading new techniques and processes, summarising advanced methods (seed 001)."
    - id: problem_solving
      name: {zh: 技能攻关, en: Solving hard technical problems}
      max: 30
      rubric:
        zh: 带领团队开展技能攻关，解决生产过程中的关键技术难题，产生经济效益。
        en: "Leads a team in tackling key technical problems of production, with economic results."
    - id: transmission
      name: {zh: 技艺传承, en: Passing the craft on}
      max: 25
      rubric:
        zh: 带徒传技，为行业、企业培训、培养技能人才。
        en: "Teaches apprentices and trains skilled workers for the trade and the unit."
    - id: unit_support
      name: {zh: 单位培养与支持, en: The unit's support}
      max: 15
      rubric:
        zh: 用人单位建立首席技师制度，对首席技师的培养和选拔，并提供经费、场地、设备和人员支持（种子001：“鼓励有条件的用人单位建立首席技师”）。
        en: "The employer runs a chief-technician system, develops and selects its chief technicians and supports them with funds, space, equipment and people (seed 001)."
aggregation:
  method: mean
  trim: 1
  trim_min: 5
  quorum: 3
  tie_breaks: [median, recommend]
  hide_others_until_submitted: true
  host_key_allowed: false
publicity:
  # Seeds 001 and 004 give the city scheme no notice rule; seed 004 五.4 gives the district one a 社会公示 with no length.
  days: 5
  working_days: true
approval:
  by:
    # The organiser, 市人社局 (seed 001: 市人社局建立首席技师资助制度); no seed names the approving body.
    - {id: shrss, name: {zh: 上海市人力资源和社会保障局, en: Shanghai Human Resources and Social Security Bureau}}
notes:
  - "publicity: 5 working days and approval by 市人社局 are this template's choices: seed 001 names neither a notice nor an approving body for the city scheme (seed 004 五.4 gives the district scheme a 社会公示 with no length). The seed says neither 工作日 nor 天: working days here skip weekends and the public holidays and count the weekends worked instead (调休), from the State Council's annual notice (built-in 2024–2026; other years declared in publicity.calendar, else a notice into them is refused)."
  - "Seed 001 names the city scheme (市人社局建立首席技师资助制度, 1,816 funded by 2019) but gives no call, conditions, points or yearly number; seed 004 二 says Jing'an recommends its district projects to it (择优推荐申报)."
  - "The quota of 100 is this template's choice (no seed gives a yearly number); set --quota at init."
  - "The sheet follows seed 001's words 技术创新、技能攻关、技艺传承 and 用人单位的培养和选拔: 30/30/25/15 points (100 in all), this template's choice."
  - "The city's own conditions are not in the seeds: no hard rule beyond the required fields and the channel; the panel judges the dossier, and the secretary settles the qualification in the signed eligibility decision."
  - "feeds: an approved Jing'an chief-technician store is promoted here with pingshen promote (ids JA<year>-<id>, channel 区级推荐); the unit's 主管委办局 stays in 推荐单位, the district bureau is added as recommending_level. Other districts are added to feeds by program amend."
  - "The Jing'an dossier's unit checklist (制度、团队、津贴、培训) travels with it; the fields the city form does not name are kept and shown as written."
"""#
}
