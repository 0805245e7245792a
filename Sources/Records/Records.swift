// Records: the signed, append-only part of a store (design.md §3, a contract).
//
//   CanonicalJSON.swift  JSONValue and the one byte form records are signed in (strict decoder)
//   Record.swift         Record v2 (v, kind, program, signer, seq, prev, created, gov, seen, body), RecordKind,
//                        Timestamp
//   RecordKinds.swift    the one table of record kinds: who signs each, what its body holds, what it
//                        pins, the programme's rules (RuleBook); KindPolicy and RecordBody read it
//   Verifier+Rules.swift verify's rules phase: RuleBook of a store, pins across records (rule-violation)
//   VerifierNotices.swift the public notice and the approval across records (issue 12): notice dates against
//                        the finalization, objections within their notice, approvals after it (notice-rule)
//   Grouping.swift       field groups and assignment (issue 13): the group, dossier-group and assignment
//                        bodies, and AssignmentPlan, the deterministic assignment verify recomputes
//   VerifierAssignments.swift  groups and assignments across records (group-rule, assignment-*, unassigned-sheet)
//   Shortlists.swift     rounds (issue 13): the shortlist record's body (shape, rules, reading); the
//                        recount of a shortlist from the sheets needs Scoring and lives in
//                        Review/Rounds.swift (shortlist-*, round-rule), run by `pingshen verify`
//   AttachmentPins.swift files attached to dossiers (issue 15): safe names, kinds, the attachment record's
//                        body, and verify's check of dossiers/ID/ (attachment-changed/-missing/-unpinned)
//   RecordFast.swift     the fast paths of the per-record check (same answer as the general code, or nil)
//   GovernanceBody.swift the bodies of the governance kinds (genesis, member-*, program-amend, sanction-add, host-*)
//   SSHWire.swift        SSH wire strings, armor, base64 (b64_pton rules for SSHSIG), hex, SSHSigArmor
//                        (the .sig armour read exactly as ssh-keygen's sshsig_dearmor)
//   OpenSSHKey.swift     SSHPublicKey, openssh-key-v1 private keys, KeyFileSigner, KeyGen
//   SSHAgent.swift       ssh-agent client (identities, sign) and AgentSigner
//   SSHSig.swift         SSHSIG sign/verify as `ssh-keygen -Y sign/verify` (namespace review-record@pingshen)
//   RecordStore.swift    per-member flock, durable no-replace publish (.json then .json.sig),
//                        crash clean-up, reading, finalizeSummary; Merkle
//   Verifier.swift       verify: signatures, signers, roles, programme, chains, finalizations —
//                        per-record checks are pure and run on every core; verifiedRecords
//   RecordFiles.swift    the files of records/ as they may be: RecordLimits (4 MiB record, 16 KiB .sig,
//                        seq ≤ Int32.max), listing with stray/irregular entries, member directories
//                        opened O_NOFOLLOW; not-regular-file, too-large, stray-file problems
//   RecordSeen.swift     deletions a later record saw (`seen`): SeenLog, missing-record problems
//   VerifyCache.swift    signatures already checked on this machine (HMAC with a secret outside the store)
//   RosterOps.swift      checking a roster entry (id, name, key) before a member-add or genesis
//   Governance.swift     the signed trust root: genesis, store fingerprint, the governance chain replayed
//                        (roster, key rotation, removal, programme, sanctions), views written and checked
//
// A record exists once its .sig exists. Problems are named by the record's path relative to
// the store root (records/MEMBER/NNN/NNNNNN.json) with a kind from Problem.kind's list.
