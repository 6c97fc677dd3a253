# shellcheck shell=bash
# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Sourced by the Makefile; nothing here can reach a real AWS account.
#   start PORT  export dummy credentials and AWS_ENDPOINT_URL=http://127.0.0.1:PORT, starting the emulator on
#               PORT unless one already answers there (then it is reused, and said so). An AWS_ENDPOINT_URL
#               already set to a loopback emulator wins over PORT.
#   reset PORT  empty the emulator on PORT (every resource of every region), keeping it running.
#   stop [PORT] stop the emulator make started on PORT, or every one it started.
#   export-line URL / next-steps URL  print how to aim another shell at the emulator at URL (and what to run next).
# Every emulator make starts is tracked by its port (.emulator/PORT.pid, written only once it answers), so a
# failed start or a second port never loses track of a running one. With REHEARSAL set (seconds per AWS minute),
# a new emulator starts in rehearsal mode (tests/rehearsal.py).
state_dir=.emulator

__emulator_answers() { curl -sf "http://127.0.0.1:$1/moto-api/" >/dev/null 2>&1; }

# The pid recorded for PORT, if that process is still an emulator of this checkout.
__emulator_pid() {
  local pid
  pid=$(cat "$state_dir/$1.pid" 2>/dev/null) || return 1
  ps -p "$pid" -o command= 2>/dev/null | grep -q "tests/emulator.py" && echo "$pid"
}

__emulator_start() {
  local port=$1 pid
  if __emulator_answers "$port"; then
    if pid=$(__emulator_pid "$port"); then
      echo "Reusing the AWS emulator at http://127.0.0.1:$port (pid $pid, started by make; 'make emulator-reset' empties it)."
    else
      echo "Reusing the AWS emulator already answering at http://127.0.0.1:$port (not started by make: 'make stop' leaves it)."
    fi
    return 0
  fi
  mkdir -p "$state_dir"
  MOTO_ENABLE_RECORDING=true MOTO_RECORDER_FILEPATH="$state_dir/$port.requests.jsonl" \
    nohup .venv/bin/python tests/emulator.py --port "$port" ${REHEARSAL:+--rehearsal "$REHEARSAL"} \
      >"$state_dir/$port.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    __emulator_answers "$port" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if ! __emulator_answers "$port"; then
    kill "$pid" 2>/dev/null
    echo "The AWS emulator did not start on port $port (is the port taken? try EMULATOR_PORT=<another port>):" >&2
    tail -n 5 "$state_dir/$port.log" >&2
    return 1
  fi
  echo "$pid" >"$state_dir/$port.pid"
  echo "Started the AWS emulator at http://127.0.0.1:$port (pid $pid${REHEARSAL:+, rehearsal mode $REHEARSAL s per AWS minute}); 'make stop' stops it."
}

__emulator_export_line() {
  echo "  export AWS_ENDPOINT_URL=$1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing" \
    "AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null; unset AWS_PROFILE AWS_SESSION_TOKEN"
}

__emulator_stop_one() {
  local port=$1 pid
  if pid=$(__emulator_pid "$port"); then
    kill "$pid" && echo "Stopped the AWS emulator on port $port (pid $pid)."
  fi
  rm -f "$state_dir/$port.pid"
}

case "$1" in
  start)
    if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
      case "$AWS_ENDPOINT_URL" in
        http://127.0.0.1:*|http://localhost:*)
          echo "Using the AWS emulator named by AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL." ;;
        *) echo "AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL is not a local emulator; make only runs against one." >&2
           echo "To deploy to real AWS, run ansible-playbook yourself (see README)." >&2; return 1 ;;
      esac
    else
      __emulator_start "$2" || return 1
      export AWS_ENDPOINT_URL="http://127.0.0.1:$2"
    fi
    # Dummy credentials only, and no profile or config file that could name a real account. No region either:
    # every task names its own, as a user's shell may set none.
    export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
    export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
    unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN AWS_DEFAULT_REGION AWS_REGION
    ;;
  export-line)
    echo "To aim another shell at this emulator (dummy credentials only):"
    __emulator_export_line "$2"
    ;;
  next-steps)
    all="-i inventories/dev -i inventories/staging -i inventories/prod"
    echo
    echo "The emulator keeps running at $2 ('make stop' stops it). To aim another shell at it:"
    __emulator_export_line "$2"
    echo "Then, from this folder:"
    echo "  .venv/bin/ansible-playbook playbooks/verify.yml $all      # check what runs"
    echo "  .venv/bin/ansible-playbook playbooks/compare.yml $all     # reports/comparison-report.md"
    echo "  .venv/bin/ansible-playbook site.yml -i inventories/prod --check --diff      # what a deploy would change"
    echo "  .venv/bin/ansible-playbook playbooks/teardown.yml -i inventories/dev -e payment_teardown_confirm=dev"
    ;;
  reset)
    if __emulator_answers "$2"; then
      curl -sf -X POST "http://127.0.0.1:$2/moto-api/reset" >/dev/null && echo "Emptied the AWS emulator on port $2."
    else
      echo "No AWS emulator answers on port $2 ('make emulator' starts one)." >&2; return 1
    fi
    ;;
  stop)
    if [ -n "${2:-}" ]; then
      [ -f "$state_dir/$2.pid" ] || { echo "No emulator started by make runs on port $2."; return 0; }
      __emulator_stop_one "$2"
    else
      shopt -s nullglob
      pids=("$state_dir"/*.pid)
      [ ${#pids[@]} -gt 0 ] || echo "No emulator started by make is running."
      for f in "${pids[@]}"; do __emulator_stop_one "$(basename "$f" .pid)"; done
    fi
    ;;
esac
