extension Templates {
    /// 静安区首席技师资助项目 (seed 004, 2019).
    static let jinganChiefTechnician = #"""
id: jingan-chief-technician
title:
  zh: 静安区首席技师资助项目
  en: Jing'an District chief-technician funding
organiser:
  zh: 上海市静安区人力资源和社会保障局
  en: Jing'an District Human Resources and Social Security Bureau
document: 静安区建立首席技师资助项目及技能大师工作室专项行动计划（2019年3月25日）
seed: 004_e37070b5fe41acfc.txt
year: 2019
quota: 50
reference_date: "2019-03-25"
subject: project
stages:
  - id: notice
    name: {zh: 区人社局下发工作通知, en: Call for applications by the district bureau}
    start: "2019-03-25"
  - id: application
    name: {zh: 单位填写资助申请表，按隶属关系报主管委办局, en: Units apply through their supervising bureau}
  - id: preliminary
    name: {zh: 主管委办局初审, en: Preliminary check by the supervising bureau}
  - id: competitive_review
    name: {zh: 专家差额评审, en: Competitive expert review (more candidates than places)}
  - id: public_notice
    name: {zh: 社会公示后公布名单, en: Public notice and the published list}
  - id: term
    name: {zh: 资助周期三年, en: Three-year funding term}
channels: [单位申报]
id_prefix: JC
fields:
  - {id: id, label: {zh: 编号, en: No.}, required: false}
  - {id: name, label: {zh: 首席技师姓名, en: Chief technician}, aliases: [姓名], required: true}
  - {id: title, label: {zh: 职称（技能等级）, en: Title (skill level)}, aliases: [国家职业资格, 职业资格等级, 技能等级], required: true}
  - {id: field, label: {zh: 专业领域, en: Field}, required: true}
  - {id: employer, label: {zh: 申报单位, en: Applying unit}, aliases: [工作单位], required: true}
  - {id: recommender, label: {zh: 主管委办局, en: Supervising bureau}, required: true}
  - {id: mobile, label: {zh: 手机, en: Mobile}, required: false}
  - {id: technician_equivalent, label: {zh: 无国家职业标准经行业水平认定, en: No national standard; recognised by the trade}, required: false, choices: [是, 否]}
  - {id: frontline, label: {zh: 在一线岗位直接从事生产技术或技能培训, en: Works on the front line in production or skills training}, required: false, choices: [是, 否]}
  - {id: unit_has_chief_system, label: {zh: 已建立健全首席技师制度, en: The unit has a chief-technician system}, required: true, choices: [是, 否]}
  - {id: unit_team_support, label: {zh: 已建立工作室或项目班组并提供支持, en: A studio or project team exists and is supported}, required: true, choices: [是, 否]}
  - {id: unit_allowance, label: {zh: 已落实首席技师岗位津贴等待遇, en: A chief-technician allowance is paid}, required: true, choices: [是, 否]}
  - {id: unit_training, label: {zh: 按规定提取职工教育经费开展培训, en: Staff-education funds are used for skills training}, required: true, choices: [是, 否]}
  - {id: in_term, label: {zh: 首席技师在聘期内, en: The chief technician is within the appointment term}, required: true, choices: [是, 否]}
  - {id: awards, label: {zh: 获奖情况, en: Awards}, required: false}
  - {id: deeds, label: {zh: 项目简介, en: Project summary}, aliases: [主要事迹], required: true}
rules:
  - id: required_fields
    type: required
    description: {zh: 资助申请表必填项齐全, en: The required fields of the application are filled}
  # 三（一）2: "具有技师及以上国家职业资格（或相同水平）；对于从事职业尚无国家职业标准的…经过行业内水平认定后，
  # 也可聘为首席技师". 国家职业资格二级 is 技师; a title that names no level (工程师) is 待核实 (相同水平?).
  - id: technician_qualification
    type: qualification
    field: title
    max: 2
    unless_field: technician_equivalent
    unless_values: [是]
    description: {zh: 具有技师及以上国家职业资格（或相同水平，或经行业内水平认定）, en: "Technician (技师, level 2) or higher national qualification, the same level, or recognised by the trade"}
  # 三（一）1: "在一线岗位上直接从事生产技术或技能培训工作…" is a judgment: a note for the panel.
  - id: frontline
    type: yes
    field: frontline
    severity: note
    description: {zh: 在一线岗位上直接从事生产技术或技能培训工作（由评审组判断）, en: Works on the front line in production or skills training (for the panel to judge)}
  - id: unit_has_chief_system
    type: yes
    field: unit_has_chief_system
    description: {zh: 建立健全首席技师制度, en: The unit has a sound chief-technician system}
  - id: unit_team_support
    type: yes
    field: unit_team_support
    description: {zh: 发挥首席技师带头作用（已建立工作团队并提供支持）, en: "A team is set up and supported with funds, space and equipment"}
  - id: unit_allowance
    type: yes
    field: unit_allowance
    description: {zh: 落实首席技师相应待遇, en: The chief technician's allowance is paid}
  - id: unit_training
    type: yes
    field: unit_training
    description: {zh: 重视技能人才队伍建设（提取职工教育经费开展培训）, en: Staff-education funds are used for skills training}
  - id: in_term
    type: yes
    field: in_term
    description: {zh: 申请资助的首席技师须在聘期内, en: The chief technician must be within the appointment term}
sheet:
  votes: off
  comment_max_chars: 500
  criteria:
    - id: expertise
      name: {zh: 首席技师能力, en: Chief technician's ability}
      max: 30
      rubric:
        zh: 在一线岗位上直接从事生产技术或技能培训工作，掌握关键技术、能够带领团队解决生产过程中的实际问题，或擅长推广新技术新工艺、总结先进操作法等，或在传技带徒、培养技能人才等方面成绩显著。
        en: "Works on the front line, masters key techniques and leads a team to solve production problems, or spreads new techniques and methods, or has a strong record in teaching apprentices."
    - id: team
      name: {zh: 团队与支持, en: Team and support}
      max: 25
      rubric:
        zh: 已建立首席技师工作室或项目班组等工作团队，并已为其提供资金、场地、设备、设施、人员等方面的支持。
        en: "A studio or project team exists and the unit supports it with funds, space, equipment and people."
    - id: treatment
      name: {zh: 待遇落实, en: Pay and conditions}
      max: 15
      rubric:
        zh: 已实行首席技师岗位津贴或给予其它薪酬待遇激励，并为首席技师交流学习、培训进修等创造条件。
        en: "A chief-technician allowance or other pay incentive, and opportunities for exchange, study and training."
    - id: training
      name: {zh: 技能人才培养, en: Skills development}
      max: 15
      rubric:
        zh: 按规定提取使用职工教育经费组织开展职工职业技能培训，积极参与技能竞赛、技能比武、技师继续培训等活动。
        en: "Staff-education funds used for skills training; active in skills contests and technicians' continuing training."
    - id: results
      name: {zh: 已有成果, en: Results so far}
      max: 15
      rubric:
        zh: 已获得区级及以上技能奖项、科研技术攻关奖项，或已有显著项目产出和经济效益的，可优先。
        en: "District-level or higher skills or research awards, or marked project output and economic benefit (given priority)."
aggregation:
  method: mean
  trim: 1
  trim_min: 5
  quorum: 3
  tie_breaks: [median]
  pass_mark: 60
  hide_others_until_submitted: true
  host_key_allowed: false
competitive: true
publicity:
  # Seed 004 五.4: "经向社会公示后公布名单"; no length (一、 also: "选拔对象必须经过公示").
  days: 5
  working_days: true
approval:
  by:
    # Seed 004 五.4: 区人社局 "择优拟定…名单", then publishes it after the notice.
    - {id: ja-hrss, name: {zh: 静安区人力资源和社会保障局, en: Jing'an District Human Resources and Social Security Bureau}}
notes:
  - "publicity: 5 working days, this template's conservative choice: seed 004 五.4 (经向社会公示后公布名单) gives no length. approval.by: 区人社局, which draws up and publishes the list. The seed says neither 工作日 nor 天: working days here skip weekends and the public holidays and count the weekends worked instead (调休), from the State Council's annual notice (built-in 2024–2026; other years declared in publicity.calendar, else a notice into them is refused)."
  - "votes: off. Seed 004 has the experts score (专家开展差额评审, 择优拟定), no vote; tie-break on the median only."
  - "pass_mark 60 (合格线): 择优 funds the best, and a project scored below 60 of 100 (the usual 及格线) is not funded whatever the places left; seed 004 sets no mark: change it with program amend."
  - "competitive: true (差额评审, seed 004 五.4): check warns when there are no more eligible candidates than places."
  - "Seed 004 gives no points: the sheet follows the selection and application conditions, 30/25/15/15/15 points (100 in all)."
  - "差额评审: more candidates than the 50 places of the 2018–2021 plan; the quota is the plan's total."
  - "The unit conditions are checklist fields (是/否). The technician qualification passes for 技师 or 高级技师 and for 国家职业资格二级/一级 (the same levels), or when 无国家职业标准经行业水平认定 is 是; a title naming no level (工程师) is 待核实, since the seed accepts 相同水平."
  - "The seed sets no length for the project summary: none is checked. 一线岗位 is a note for the panel."
"""#

    /// 静安区技能大师工作室 (seed 004, 2019).
    static let jinganMasterStudio = #"""
id: jingan-master-studio
title:
  zh: 静安区技能大师工作室
  en: Jing'an District skill-master studios
organiser:
  zh: 上海市静安区人力资源和社会保障局
  en: Jing'an District Human Resources and Social Security Bureau
document: 静安区建立首席技师资助项目及技能大师工作室专项行动计划（2019年3月25日）
seed: 004_e37070b5fe41acfc.txt
year: 2019
quota: 10
reference_date: "2019-03-25"
subject: studio
stages:
  - id: notice
    name: {zh: 区人社局下发工作通知, en: Call for applications by the district bureau}
    start: "2019-03-25"
  - id: application
    name: {zh: 单位填写资助申请表，按隶属关系报主管委办局, en: Units apply through their supervising bureau}
  - id: preliminary
    name: {zh: 主管委办局初审, en: Preliminary check by the supervising bureau}
  - id: competitive_review
    name: {zh: 专家差额评审, en: Competitive expert review (more candidates than places)}
  - id: public_notice
    name: {zh: 社会公示后公布名单, en: Public notice and the published list}
  - id: term
    name: {zh: 资助周期三年, en: Three-year funding term}
channels: [单位申报]
id_prefix: JS
fields:
  - {id: id, label: {zh: 编号, en: No.}, required: false}
  - {id: name, label: {zh: 技能大师姓名, en: Skill master}, aliases: [姓名], required: true}
  - {id: title, label: {zh: 职称（技能等级）, en: Title (skill level)}, required: true}
  - {id: field, label: {zh: 专业领域, en: Field}, required: true}
  - {id: employer, label: {zh: 依托企业, en: Host enterprise}, aliases: [工作单位], required: true}
  - {id: recommender, label: {zh: 主管委办局, en: Supervising bureau}, required: true}
  - {id: mobile, label: {zh: 手机, en: Mobile}, required: false}
  - {id: master_basis, label: {zh: 技能大师条件（第几项）, en: Master's qualifying condition (1–3)}, required: true, choices: ["1", "2", "3"]}
  - {id: awards, label: {zh: 获奖情况, en: Awards}, required: false}
  - {id: master_fit, label: {zh: 身体健康，能承担工作室日常工作, en: In good health and able to run the studio}, required: true, choices: [是, 否]}
  - {id: unit_skilled_workforce, label: {zh: 技能人才比较密集, en: The enterprise employs many skilled workers}, required: true, choices: [是, 否]}
  - {id: unit_policies, label: {zh: 技能人才培养评价激励制度完善、工作室制度完善, en: Sound policies for skilled workers and for the studio}, required: true, choices: [是, 否]}
  - {id: unit_team_support, label: {zh: 提供资金、场所、设施设备、人员等条件, en: "Funds, space, equipment and people are provided"}, required: true, choices: [是, 否]}
  - {id: deeds, label: {zh: 工作室简介, en: Studio summary}, aliases: [主要事迹], required: true}
rules:
  - id: required_fields
    type: required
    description: {zh: 申请表必填项齐全, en: The required fields of the application are filled}
  # 四（二）1: "同时，应具备以下条件之一：（1）获得中华技能大奖、全国技术能手…（2）担任区级首席技师资助项目
  # 带头人…（3）具有一定绝技绝活…" — one of three, with no level of qualification required.
  - id: master_basis
    type: one_of
    field: master_basis
    values: ["1", "2", "3"]
    description: {zh: 技能大师具备三项条件之一, en: The master meets one of the three conditions}
  - id: master_standing
    type: note
    description: {zh: 技能大师应在本行业（领域）中技能拔尖、技艺精湛，具有较强创新创造能力和社会影响力，在带徒传技方面经验丰富，由评审组判断, en: "The master has top skill and fine craftsmanship in the trade, strong creativity and influence, and much experience in teaching apprentices: for the panel to judge"}
  - id: master_fit
    type: yes
    field: master_fit
    description: {zh: 身体健康，能够承担工作室日常工作, en: In good health and able to run the studio}
  - id: unit_skilled_workforce
    type: yes
    field: unit_skilled_workforce
    description: {zh: 技能人才比较密集, en: The enterprise employs many skilled workers}
  - id: unit_policies
    type: yes
    field: unit_policies
    description: {zh: 人才政策制度和工作室制度完善, en: Sound skilled-worker and studio policies}
  - id: unit_team_support
    type: yes
    field: unit_team_support
    description: {zh: 为工作室提供资金支持及必要工作条件, en: Funds and working conditions are provided for the studio}
sheet:
  votes: off
  comment_max_chars: 500
  criteria:
    - id: master
      name: {zh: 技能大师水平, en: The master's standing}
      max: 30
      rubric:
        zh: 在本行业（领域）中技能拔尖、技艺精湛，具有较强创新创造能力和社会影响力；获中华技能大奖、全国技术能手、上海市杰出技术能手等奖项，或担任区级首席技师资助项目带头人，或具有绝技绝活并传承传统工艺。
        en: "Top skill and fine craftsmanship in the trade, strong creativity and influence; national or Shanghai skill awards, or leads a district chief-technician project, or holds a unique technique and passes on a traditional craft."
    - id: innovation
      name: {zh: 攻关创新, en: Problem solving and innovation}
      max: 25
      rubric:
        zh: 承担和参与本单位、本行业的重大技能革新和技术攻关项目，解决重大技术难题并产生一定的经济效益；将创新成果、绝技绝活、特色操作法及时总结推广。
        en: "Takes part in major technical innovation and problem-solving projects with economic benefit; writes up and spreads innovations and methods."
    - id: teaching
      name: {zh: 带徒传技, en: Teaching apprentices}
      max: 25
      rubric:
        zh: 在带徒传技方面经验丰富；通过传、帮、带，在资助周期内为用人单位或社会培养8个以上青年技术技能骨干。
        en: "Experienced in teaching apprentices; plans to train at least 8 young skilled workers within the funding term."
    - id: support
      name: {zh: 企业条件与制度, en: Host enterprise and rules}
      max: 20
      rubric:
        zh: 技能人才比较密集；人才培养、评价、选拔、使用和激励政策制度完善；工作室有明晰的管理制度、工作职责、目标任务，并获得场地、设施设备、人员及资金支持。
        en: "Many skilled workers; sound policies; the studio has clear rules, duties and targets, with space, equipment, people and funds."
aggregation:
  method: mean
  trim: 1
  trim_min: 5
  quorum: 3
  tie_breaks: [median]
  pass_mark: 60
  hide_others_until_submitted: true
  host_key_allowed: false
competitive: true
publicity:
  # Seed 004 五.4: "经向社会公示后公布名单"; no length (一、 also: "选拔对象必须经过公示").
  days: 5
  working_days: true
approval:
  by:
    # Seed 004 五.4: 区人社局 "择优拟定…名单", then publishes it after the notice.
    - {id: ja-hrss, name: {zh: 静安区人力资源和社会保障局, en: Jing'an District Human Resources and Social Security Bureau}}
notes:
  - "publicity: 5 working days, this template's conservative choice: seed 004 五.4 (经向社会公示后公布名单) gives no length. approval.by: 区人社局, which draws up and publishes the list. The seed says neither 工作日 nor 天: working days here skip weekends and the public holidays and count the weekends worked instead (调休), from the State Council's annual notice (built-in 2024–2026; other years declared in publicity.calendar, else a notice into them is refused)."
  - "votes: off. Seed 004 has the experts score (专家开展差额评审, 择优拟定), no vote; tie-break on the median only."
  - "pass_mark 60 (合格线): 择优 funds the best, and a studio scored below 60 of 100 (the usual 及格线) is not funded whatever the places left; seed 004 sets no mark: change it with program amend."
  - "competitive: true (差额评审, seed 004 五.4): check warns when there are no more eligible candidates than places."
  - "Seed 004 gives no points: the sheet follows the master's and the enterprise's conditions, 30/25/25/20 points (100 in all)."
  - "差额评审: more candidates than the 10 studios of the 2018–2021 plan."
  - "技能大师条件 1: a listed award (中华技能大奖, 全国技术能手 …); 2: leads a district chief-technician project within its term; 3: a unique technique and the passing on of a traditional craft. The seed asks one of the three, not a 技师 qualification."
  - "技能拔尖、技艺精湛 … 在带徒传技方面经验丰富 are judgments: a note for the panel. The seed sets no length for the studio summary."
"""#

    /// 静安区首席技师资助项目及技能大师工作室届满考核 (seed 004, 七(二)).
    static let jinganTermReview = #"""
id: jingan-term-review
title:
  zh: 静安区首席技师资助项目及技能大师工作室届满考核
  en: Jing'an District end-of-term review of chief-technician projects and skill-master studios
organiser:
  zh: 上海市静安区人力资源和社会保障局
  en: Jing'an District Human Resources and Social Security Bureau
document: 静安区建立首席技师资助项目及技能大师工作室专项行动计划（2019年3月25日）
seed: 004_e37070b5fe41acfc.txt
year: 2022
quota: 60
subject: project
stages:
  - id: self_report
    name: {zh: 项目及工作室报送运作和任务完成情况, en: Projects and studios report on their work}
  - id: review
    name: {zh: 届满考核（实地考察、资料核查、问卷调查、座谈会）, en: "End-of-term review (site visits, records, surveys, meetings)"}
  - id: result
    name: {zh: 考核结果, en: Result}
channels: [单位申报]
id_prefix: JT
fields:
  - {id: id, label: {zh: 编号, en: No.}, required: false}
  - {id: name, label: {zh: 带头人, en: Leader}, aliases: [姓名], required: true}
  - {id: employer, label: {zh: 所在单位, en: Unit}, required: true}
  - {id: project_kind, label: {zh: 项目类别, en: Kind}, required: true, choices: [首席技师资助项目, 技能大师工作室]}
  - {id: in_term, label: {zh: 资助周期届满前, en: Before the end of the funding term}, required: true, choices: [是, 否]}
  - {id: field, label: {zh: 专业领域, en: Field}, required: false}
  - {id: deeds, label: {zh: 运作情况和任务完成情况, en: Work done and tasks completed}, aliases: [主要事迹], required: true}
rules:
  - id: required_fields
    type: required
    description: {zh: 考核材料必填项齐全, en: The required fields of the report are filled}
  - id: project_kind
    type: one_of
    field: project_kind
    values: [首席技师资助项目, 技能大师工作室]
    description: {zh: 考核对象为首席技师资助项目或技能大师工作室, en: A chief-technician project or a skill-master studio}
  - id: in_term
    type: yes
    field: in_term
    description: {zh: 在资助周期届满前进行届满考核, en: Reviewed before the end of the funding term}
sheet:
  votes: off
  comment_max_chars: 500
  criteria:
    - id: hardware
      name: {zh: 硬件建设, en: Facilities}
      max: 20
      rubric:
        zh: 硬件建设，如场所、设备设施、资金投入等。
        en: "Facilities: premises, equipment, funds invested."
    - id: management
      name: {zh: 内部管理, en: Internal management}
      max: 20
      rubric:
        zh: 内部管理，如规章制度、规划计划、财务管理台账、工作档案等。
        en: "Internal management: rules, plans, financial ledgers, work records."
    - id: results
      name: {zh: 项目成果, en: Results}
      max: 20
      rubric:
        zh: 项目成果，如技术技能创新产品、攻关项目成果、先进操作法、课题成果、教材、著作成果等。
        en: "Results: innovative products, solved problems, advanced methods, research, textbooks and books."
    - id: talent
      name: {zh: 人才培养, en: Talent development}
      max: 20
      rubric:
        zh: 人才培养，如带徒人数、培训人数、人才培养质量等（技能大师工作室：资助周期内培养8个以上青年技术技能骨干）。
        en: "Talent development: apprentices, trainees, quality of training (studios: at least 8 young skilled workers within the term)."
    - id: social
      name: {zh: 社会效应, en: Social effect}
      max: 20
      rubric:
        zh: 社会效应，如为本行业或其它企业提供培训、交流、协作、技术支持等活动，积极参与本市各项高技能人才培养工作等。
        en: "Social effect: training, exchange, cooperation and technical support for the trade and other enterprises; part in the city's high-skill training."
aggregation:
  method: mean
  trim: 1
  trim_min: 5
  quorum: 3
  tie_breaks: [median]
  mode: assessment
  pass_mark: 60
  excellent_mark: 85
  hide_others_until_submitted: true
  host_key_allowed: false
publicity:
  # Seed 004 七(二) says nothing of a notice for the 届满考核: the conservative choice keeps one, as for the selection (五.4).
  days: 5
  working_days: true
approval:
  by:
    # Seed 004 五.4: 区人社局 "择优拟定…名单", then publishes it after the notice.
    - {id: ja-hrss, name: {zh: 静安区人力资源和社会保障局, en: Jing'an District Human Resources and Social Security Bureau}}
notes:
  - "publicity: seed 004 七(二) gives the 届满考核 no public notice; this template keeps one of 5 working days (as the selection's 五.4 has), the conservative choice: drop it only by program amend. approval.by: 区人社局, which runs the assessment. The seed says neither 工作日 nor 天: working days here skip weekends and the public holidays and count the weekends worked instead (调休), from the State Council's annual notice (built-in 2024–2026; other years declared in publicity.calendar, else a notice into them is refused)."
  - "Seed 004 lists the five elements of the review without points: 20 points each, 100 in all."
  - "A review, not a selection (mode: assessment): each project or studio passes or fails on the five elements' total (the mean of the sheets) against the pass mark, with no quota and no vote (votes: off). quota 60 only records the 50 projects and 10 studios of the plan; it limits nothing here."
  - "pass_mark 60 (合格) and excellent_mark 85 (优秀): seed 004 names the elements but no grades or marks; 60 of 100 is the usual 及格线, 85 this template's line for 优秀. Change them with program amend."
  - "届满考核 is held 在资助周期届满前 (seed 004 七(二)): before the term ends; the year is the year the review is held (--year at init)."
  - "The three-year term of projects funded in 2019 ends in 2022: year 2022."
"""#
}
