# shellcheck shell=bash
# Copyright: Contributors to the payments.platform project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Sourced by the Makefile. `start PORT`: export dummy credentials and an AWS_ENDPOINT_URL on this
# machine's loopback, starting the emulator unless AWS_ENDPOINT_URL already names one.
# `stop`: stop the emulator `start` left running. Nothing here can reach a real AWS account.
# With REHEARSAL set (seconds per AWS minute), a new emulator starts in rehearsal mode (tests/rehearsal.py).
state_dir=.emulator
case "$1" in
  start)
    if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
      case "$AWS_ENDPOINT_URL" in
        http://127.0.0.1:*|http://localhost:*) ;;
        *) echo "AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL is not a local emulator; 'make demo' only runs against one." >&2
           echo "To deploy to real AWS, run ansible-playbook yourself (see README)." >&2; return 1 ;;
      esac
    else
      export AWS_ENDPOINT_URL="http://127.0.0.1:$2"
      if ! curl -sf "$AWS_ENDPOINT_URL/moto-api/" >/dev/null 2>&1; then
        mkdir -p "$state_dir"
        MOTO_ENABLE_RECORDING=true MOTO_RECORDER_FILEPATH="$state_dir/requests.jsonl" \
          nohup .venv/bin/python tests/emulator.py --port "$2" ${REHEARSAL:+--rehearsal "$REHEARSAL"} \
            >"$state_dir/emulator.log" 2>&1 &
        echo $! >"$state_dir/pid"
        for _ in $(seq 50); do curl -sf "$AWS_ENDPOINT_URL/moto-api/" >/dev/null 2>&1 && break; sleep 0.2; done
        curl -sf "$AWS_ENDPOINT_URL/moto-api/" >/dev/null || { echo "emulator did not start, see $state_dir/emulator.log" >&2; return 1; }
        echo "Started the AWS emulator at $AWS_ENDPOINT_URL (pid $(cat "$state_dir/pid"))"
      fi
    fi
    # Dummy credentials only, and no profile or config file that could name a real account.
    export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=eu-west-1
    export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
    unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN
    ;;
  stop)
    if [ -f "$state_dir/pid" ]; then
      kill "$(cat "$state_dir/pid")" 2>/dev/null && echo "Stopped the AWS emulator."
      rm -f "$state_dir/pid"
    else
      echo "No emulator started by 'make demo' is running."
    fi
    ;;
esac
