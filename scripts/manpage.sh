#!/usr/bin/env bash
# Writes opsshell(1) in roff from the binary's own help, so the man page
# never drifts from the flags. Usage: manpage.sh BINARY > opsshell.1
# (argument-parser's generate-manual plugin is not available offline.)
set -euo pipefail
bin=$1
version=$("$bin" --version)

# roff: a backslash is \e; a line starting with . or ' is a request.
escape() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

cat <<ROFF
.TH OPSSHELL 1 "" "opsshell $version" "User Commands"
.SH NAME
opsshell \\- an operations shell for PostgreSQL/Patroni clusters
.SH SYNOPSIS
.B opsshell
[\\fISUBCOMMAND\\fR] [\\fIOPTIONS\\fR]
.SH DESCRIPTION
.nf
ROFF
"$bin" --help | escape
for subcommand in shell run replay guide; do
  printf '.fi\n.SH "OPSSHELL %s"\n.nf\n' "$(tr '[:lower:]' '[:upper:]' <<<"$subcommand")"
  "$bin" help "$subcommand" | escape
done
cat <<'ROFF'
.fi
.SH FILES
.TP
.I ./opsshell.toml, $XDG_CONFIG_HOME/opsshell/opsshell.toml
The inventory of hosts and roles.
.TP
.I $XDG_STATE_HOME/opsshell/
History, the audit log (audit.jsonl) and guide recordings.
.SH ENVIRONMENT
.TP
.B NO_COLOR
Any non-empty value turns colour and live status lines off.
.SH HTTPS
Patroni's and Consul's APIs are asked through the system's libcurl, which
trusts the system's CA store only. For an API with its own CA, copy the CA to
/usr/local/share/ca-certificates/NAME.crt and run update-ca-certificates.
ROFF
