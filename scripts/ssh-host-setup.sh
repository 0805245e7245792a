#!/usr/bin/env bash
# Sets up a review host for remote review over the host's own OpenSSH.
# Read it before running. By default it only prints what it would do; --apply does it.
#
#   scripts/ssh-host-setup.sh STORE [--binary /usr/local/bin/pingshen] [--user pingshen] [--apply]
#
# What it does:
#  1. a system account (default `pingshen`) that owns the store; no password, no login shell use
#     other than the forced command of each member's key;
#  2. the store owned by that account, group-shared (2770); `pingshen review` sets umask 007 in an
#     SSH session, so records are never world-readable and every session writes as one owner;
#  3. an sshd `Match User` block that denies TCP/stream-local forwarding, X11, tunnels and user
#     environment, keeps agent forwarding (members sign with their own key through `ssh -A`) and
#     a pty (the UI needs one), and names the account's authorized_keys file;
#  4. the authorized_keys block from `pingshen ssh authorized-keys`: one line per roster member,
#     `restrict,pty,agent-forwarding,command="BINARY review STORE --as ID"`; rerun it after
#     every roster change (it replaces its own block between marker comments).
set -euo pipefail

store=""; binary="/usr/local/bin/pingshen"; user="pingshen"; apply=0
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    --apply) apply=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) store="$1"; shift ;;
  esac
done
[ -n "$store" ] || { echo "usage: $0 STORE [--binary PATH] [--user NAME] [--apply]" >&2; exit 2; }
store=$(realpath -m "$store")
home="/home/$user"
sshd_conf="/etc/ssh/sshd_config.d/pingshen.conf"

run() { if [ $apply = 1 ]; then echo "+ $*"; "$@"; else echo "would run: $*"; fi; }

id "$user" >/dev/null 2>&1 || run adduser --system --group --home "$home" --shell /bin/sh "$user"
run install -d -o "$user" -g "$user" -m 0700 "$home/.ssh"
run chown -R "$user:$user" "$store"
run chmod -R u+rwX,g+rwX,o-rwx "$store"
run find "$store" -type d -exec chmod g+s {} +

block="Match User $user
    AuthorizedKeysFile $home/.ssh/authorized_keys
    PasswordAuthentication no
    KbdInteractiveAuthentication no
    AllowTcpForwarding no
    AllowStreamLocalForwarding no
    X11Forwarding no
    PermitTunnel no
    PermitUserEnvironment no
    AllowAgentForwarding yes
    PermitTTY yes"
if [ $apply = 1 ]; then
  printf '%s\n' "$block" > "$sshd_conf"
  echo "+ wrote $sshd_conf"
  sshd -t && echo "+ sshd -t: configuration valid (reload sshd to apply)"
else
  printf 'would write %s:\n%s\n' "$sshd_conf" "$block"
fi

if [ $apply = 1 ]; then
  su -s /bin/sh "$user" -c "umask 077; '$binary' ssh authorized-keys '$store' --binary '$binary' --file '$home/.ssh/authorized_keys'"
else
  echo "would run: $binary ssh authorized-keys $store --binary $binary --file $home/.ssh/authorized_keys"
  "$binary" ssh authorized-keys "$store" --binary "$binary" 2>/dev/null || true
fi
