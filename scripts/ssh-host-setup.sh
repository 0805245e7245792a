#!/usr/bin/env bash
# Sets up a review host for remote review over the host's own OpenSSH (no embedded server).
# Read it before running. By default it only prints what it would do; --apply does it (as root).
#
#   scripts/ssh-host-setup.sh STORE [--binary /usr/local/bin/pingshen] [--user pingshen] [--apply]
#   scripts/ssh-host-setup.sh --sshd-block [--user pingshen]   # print only the sshd Match block
#
# What it does:
#  1. a system account (default `pingshen`) that owns the store: no password (key logins only),
#     a shell only because sshd runs each key's forced command with it;
#  2. the store owned by that account, group-shared, nothing for others (dirs 2770, files 0660);
#     `pingshen review` sets umask 007 in an SSH session, so every session writes records and
#     drafts as that one owner and never world-readable. Records are per member (records/ID/,
#     drafts/ID/) with a per-member lock: sessions of different members never wait on each other;
#  3. an sshd `Match User` block (/etc/ssh/sshd_config.d/pingshen.conf) that denies TCP and
#     stream-local forwarding, listening, X11, tunnels and ~/.ssh/rc, keeps agent forwarding
#     (members sign with their own key through `ssh -A`) and a pty (the UI needs one), allows
#     public keys only and names the account's authorized_keys file. PermitUserEnvironment is a
#     global option (sshd refuses it inside Match): the script checks that it is `no` (the
#     default). AcceptEnv LANG LC_* (Debian's default) only chooses the UI language;
#  4. the authorized_keys block from `pingshen ssh authorized-keys --file`: one line per roster
#     member, `restrict,pty,agent-forwarding,command="BINARY review STORE --as ID"` — `restrict`
#     alone already refuses every forwarding but the agent, whatever sshd allows; the client's
#     own command is never run (it lands in the UI, or without a tty is refused). Rerun after
#     every roster change: it replaces its own block between marker comments, in place.
# Then reload sshd (e.g. `systemctl reload ssh`). Members connect with `ssh -A -t USER@HOST`.
#
# Risk to know: while a session is open, root on this host can ask the forwarded agent to sign.
# Members should `ssh-add -c` their review key (each signature asks for confirmation).
set -euo pipefail

store=""; binary="/usr/local/bin/pingshen"; user="pingshen"; apply=0; block_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    --apply) apply=1; shift ;;
    --sshd-block) block_only=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) store="$1"; shift ;;
  esac
done
case "$user" in (*[!a-z0-9_-]*|"") echo "bad user name: $user" >&2; exit 2 ;; esac
home="/home/$user"

block="Match User $user
    AuthorizedKeysFile $home/.ssh/authorized_keys
    AuthenticationMethods publickey
    PubkeyAuthentication yes
    PasswordAuthentication no
    KbdInteractiveAuthentication no
    AllowTcpForwarding no
    AllowStreamLocalForwarding no
    PermitListen none
    PermitOpen none
    GatewayPorts no
    X11Forwarding no
    PermitTunnel no
    PermitUserRC no
    AllowAgentForwarding yes
    PermitTTY yes"

if [ $block_only = 1 ]; then printf '%s\n' "$block"; exit 0; fi

[ -n "$store" ] || { echo "usage: $0 STORE [--binary PATH] [--user NAME] [--apply]" >&2; exit 2; }
store=$(realpath -m "$store")
[ -f "$store/roster.yaml" ] || { echo "$store is not a pingshen store (no roster.yaml)" >&2; exit 2; }
case "$binary" in (/*) ;; (*) echo "--binary must be an absolute path: $binary" >&2; exit 2 ;; esac
[ -x "$binary" ] || { echo "$binary is not an executable file" >&2; exit 2; }
sshd_conf="/etc/ssh/sshd_config.d/$user.conf"
if [ $apply = 1 ] && [ "$(id -u)" != 0 ]; then echo "--apply needs root" >&2; exit 2; fi

run() { if [ $apply = 1 ]; then echo "+ $(printf '%q ' "$@")"; "$@"; else echo "would run: $(printf '%q ' "$@")"; fi; }

# 1. the account
if ! id "$user" >/dev/null 2>&1; then
  run adduser --system --group --disabled-password --home "$home" --shell /bin/sh "$user"
fi
run install -d -o "$user" -g "$user" -m 0700 "$home/.ssh"

# 2. the store: owned by the account, group-shared, nothing for others
run chown -R "$user:$user" "$store"
run chmod -R u+rwX,g+rwX,o-rwx "$store"
run find "$store" -type d -exec chmod g+s {} +

# 3. sshd
if [ $apply = 1 ]; then
  printf '%s\n' "$block" > "$sshd_conf"
  echo "+ wrote $sshd_conf"
  sshd -t || { echo "sshd -t failed: $sshd_conf removed" >&2; rm -f "$sshd_conf"; exit 1; }
  echo "+ sshd -t: configuration valid (reload sshd to apply: systemctl reload ssh)"
else
  printf 'would write %s:\n%s\n' "$sshd_conf" "$block"
fi
if command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]; then
  pue=$(PATH="$PATH:/usr/sbin" sshd -T -C "user=$user,host=localhost,addr=127.0.0.1" 2>/dev/null | awk '$1=="permituserenvironment"{print $2}')
  if [ -n "$pue" ] && [ "$pue" != "no" ]; then
    echo "WARNING: PermitUserEnvironment is '$pue' in sshd_config: set it to 'no' (a global option)" >&2
  fi
fi

# 4. authorized_keys, written by the account itself (merged: other lines stay)
cmd="umask 077; $(printf '%q ' "$binary" ssh authorized-keys "$store" --binary "$binary" --file "$home/.ssh/authorized_keys")"
if [ $apply = 1 ]; then
  echo "+ su -s /bin/bash $user -c \"$cmd\""
  su -s /bin/bash "$user" -c "$cmd"
else
  echo "would run as $user: $cmd"
  echo "the block it would write:"
  "$binary" ssh authorized-keys "$store" --binary "$binary" || true
fi
