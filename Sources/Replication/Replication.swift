// Replication: stores kept in step on git (issue 14; README "Several hosts"). git is the
// distributed engine: records are immutable, content-addressed, append-only files, so two hosts
// that add different records merge without conflict, and one member writing the same seq
// differently on two hosts is an add/add clash: a fork, caught for free.
//
//   Git.swift          the system `git`, run with an argument vector (never a shell string);
//                      ext:: and fd:: transports refused; hook variables kept only in a hook
//   StorePolicy.swift  what a store's history may hold, path by path (records and evidence
//                      added only, dossiers added or amended, nothing else), and the walk over
//                      every commit of a fetch or a push (diff-tree against each parent)
//   GitStore.swift     `init --git` / `git enable`: .gitignore of everything derived or
//                      private, git's many-files settings, the views written, one commit per batch
//   TreeCheck.swift    `verify` of a tree that is not checked out (the merge a sync would make, the tip a
//                      push would leave): checked out, views from its own history, verified
//   CheckTree.swift    the checked-out tree kept between checks (GITDIR/pingshen/check-UID/): moved to the
//                      next tree by writing only what differs (read-tree --reset -u: stat-dirty files
//                      restored from git's blobs), index sealed, files git does not hold rebuild it, flock
//   Sync.swift         `pingshen sync`: commit, fetch, the rule per commit, forks kept and named, the
//                      merged tree verified, merge, views, push (exit 0 / 1 refused or fork / 2 unreachable)
//   Clone.swift        `pingshen clone`: fetched without a checkout, checked as sync checks, then checked out
//   PushCert.swift     signed pushes: the push certificate read from GIT_PUSH_CERT, its SSHSIG (namespace git),
//                      nonce status, update lines and signer (a member's or a review host's current key) checked by the hook
//   Hub.swift          `pingshen hub init` (bare, git's receive guards, the pre-receive hook) and the
//                      hook's check: only main, fast-forward, the rule per pushed commit, the tip verified,
//                      the store's fingerprint, the pusher on the roster (a member or a host it names)
//   GitGate.swift      `pingshen git-gate MEMBER HUB`: SSH_ORIGINAL_COMMAND parsed (git's sq quoting), only
//                      upload-pack / receive-pack on that one repository (the lines: Review/SSHAccess.swift)
//
// Entry points: `GitStore.enable`, `GitStore.commitBatch`, `StorePolicy.changes/refusals`, `Sync.run`, `Hub.create`,
// `Hub.preReceive`, `GitGate.decide`, `Clone.run`.
