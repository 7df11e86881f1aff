#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: apachebench
short_description: Benchmark an HTTP endpoint with ApacheBench and return the figures as facts
version_added: 0.1.0
description:
  - Runs C(ab) against O(url), or parses O(output) that C(ab) printed earlier, and returns
    every figure of its summary as C(ansible_facts.apachebench).
  - Adds two derived figures, documented in RV(ansible_facts.apachebench.client_visible_errors)
    and RV(ansible_facts.apachebench.success_ratio).
  - Fails with ab's own error line when ab aborted before its summary.
options:
  url:
    description:
      - The URL to benchmark, with a path (C(http://127.0.0.1:8080/)).
      - Mutually exclusive with O(output).
    type: str
  output:
    description:
      - Text that ab printed, to parse instead of running ab.
    type: str
  requests:
    description: Number of requests (C(-n)).
    type: int
    default: 1500
  concurrency:
    description: Requests in flight at once (C(-c)).
    type: int
    default: 10
  keepalive:
    description: Use HTTP keep-alive (C(-k)).
    type: bool
    default: false
  timeout:
    description: Seconds to wait for each response (C(-s)).
    type: int
    default: 30
  continue_on_receive_error:
    description: Keep going on socket receive errors (C(-r)) instead of aborting.
    type: bool
    default: true
  headers:
    description: Extra request headers (C(-H)), as a mapping of name to value.
    type: dict
    default: {}
  post_body:
    description:
      - Body to POST instead of a GET (C(-p)); written to a temporary file for ab.
    type: str
  content_type:
    description: Content-Type of O(post_body) (C(-T)).
    type: str
    default: text/plain
  gnuplot_file:
    description:
      - Where ab records every finished request (C(-g)), with its start second and latencies.
      - When set, the module also returns RV(ansible_facts.apachebench.per_second), read from this
        file (with O(output), from the file an earlier run left there).
    type: path
notes:
  - The ApacheBench binary is C(ab), from the Debian package C(apache2-utils).
  - In check mode the module parses O(output) but does not send load to O(url).
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: partial
    details: ab is not run in check mode; O(output) is still parsed.
author:
  - loadbearing.ecs maintainers (@loadbearing)
"""

EXAMPLES = r"""
- name: Benchmark the public listener
  loadbearing.ecs.apachebench:
    url: http://127.0.0.1:8080/
    requests: 1500
    concurrency: 10

- name: Parse a recorded run
  loadbearing.ecs.apachebench:
    output: "{{ lookup('ansible.builtin.file', 'ab.txt') }}"
"""

RETURN = r"""
command:
  description: The ab command line that was run.
  returned: when ab ran
  type: list
  elements: str
raw_output:
  description: What ab printed on standard output.
  returned: always
  type: str
ansible_facts:
  description: Facts set by the module.
  returned: success
  type: dict
  contains:
    apachebench:
      description:
        - Every figure of ab's summary, None where ab printed no such line.
        - Counts that ab prints only when non-zero (the failure breakdown, non_2xx_responses,
          write_errors) are 0 when absent.
      type: dict
      contains:
        requests_per_second:
          description: Mean requests per second.
          type: float
        complete_requests:
          description: Requests ab finished, including those cut off by a receive error.
          type: int
        failed_requests:
          description: ab's own failed count; never add it to non_2xx_responses.
          type: int
        non_2xx_responses:
          description: Responses whose status was not 2xx.
          type: int
        connection_times:
          description: Per phase (connect, processing, waiting, total) the min, mean, sd, median, max in ms.
          type: dict
        percentiles:
          description: Response time in ms within which the keyed share ("50".."100") was served.
          type: dict
        attempted_requests:
          description: complete_requests + failed_connect + failed_exceptions (ab retries the latter two).
          type: int
        client_visible_errors:
          description:
            - failed_connect + failed_receive + failed_exceptions + non_2xx_responses.
            - Length failures are not counted, since dynamic bodies vary in length.
          type: int
        success_ratio:
          description: (attempted_requests - client_visible_errors) / attempted_requests.
          type: float
        per_second:
          description:
            - With O(gnuplot_file), one row per second of the run, gaps included, of the requests
              that started in that second; None without it.
          type: list
          elements: dict
          sample: [{"second": 1795926230, "requests": 10, "p50_ms": 104, "p99_ms": 205}]
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.loadbearing.ecs.plugins.module_utils.apachebench import parse_ab_gnuplot, parse_ab_output
from ansible_collections.loadbearing.ecs.plugins.module_utils.timeline import per_second

# ab exits 0 after a summary; any other code means it aborted (its error line is on stderr).
AB_SUCCESS = 0


def build_command(ab_bin, params, post_file=None):
    command = [
        ab_bin,
        "-n", str(params["requests"]),
        "-c", str(params["concurrency"]),
        "-s", str(params["timeout"]),
    ]
    if params["keepalive"]:
        command.append("-k")
    if params["continue_on_receive_error"]:
        command.append("-r")
    for name, value in sorted(params["headers"].items()):
        command.extend(["-H", "%s: %s" % (name, value)])
    if post_file:
        command.extend(["-p", post_file, "-T", params["content_type"]])
    if params.get("gnuplot_file"):
        command.extend(["-g", params["gnuplot_file"]])
    command.append(params["url"])
    return command


def run_ab(module):
    ab_bin = module.get_bin_path("ab", required=True)
    post_file = None
    try:
        if module.params["post_body"] is not None:
            handle, post_file = tempfile.mkstemp(prefix="ab-body-")
            with os.fdopen(handle, "w") as body:
                body.write(module.params["post_body"])
        command = build_command(ab_bin, module.params, post_file)
        rc, out, err = module.run_command(command, environ_update={"LC_ALL": "C"})
    finally:
        if post_file:
            os.unlink(post_file)
    return command, rc, out, err


def read_per_second(gnuplot_file):
    """Per-second rows from the file ab -g wrote, None when no file was asked for."""
    if not gnuplot_file:
        return None
    with open(gnuplot_file) as handle:
        return per_second(parse_ab_gnuplot(handle.read()))


def main():
    argument_spec = dict(
        url=dict(type="str"),
        output=dict(type="str"),
        requests=dict(type="int", default=1500),
        concurrency=dict(type="int", default=10),
        keepalive=dict(type="bool", default=False),
        timeout=dict(type="int", default=30),
        continue_on_receive_error=dict(type="bool", default=True),
        headers=dict(type="dict", default={}),
        post_body=dict(type="str"),
        content_type=dict(type="str", default="text/plain"),
        gnuplot_file=dict(type="path"),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("url", "output")],
        required_one_of=[("url", "output")],
        supports_check_mode=True,
    )
    params = module.params
    if params["requests"] < 1 or params["concurrency"] < 1:
        module.fail_json(msg="requests and concurrency must be at least 1")
    if params["concurrency"] > params["requests"]:
        module.fail_json(msg="concurrency (%d) cannot exceed requests (%d): ab refuses it"
                         % (params["concurrency"], params["requests"]))

    result = dict(changed=False)
    if params["output"] is not None:
        text = params["output"]
    elif module.check_mode:
        module.exit_json(msg="check mode: ab not run against %s" % params["url"], raw_output="", **result)
    else:
        command, rc, text, err = run_ab(module)
        result["command"] = command
        if rc != AB_SUCCESS:
            try:
                parse_ab_output(text + "\n" + err)
            except ValueError as exc:
                module.fail_json(msg=str(exc), rc=rc, stderr=err, raw_output=text, **result)
            module.fail_json(msg="ab exited with %d" % rc, rc=rc, stderr=err, raw_output=text, **result)

    try:
        figures = parse_ab_output(text)
        figures["per_second"] = read_per_second(params["gnuplot_file"])
    except (IOError, OSError, ValueError) as exc:
        module.fail_json(msg=str(exc), raw_output=text, **result)
    module.exit_json(raw_output=text, ansible_facts=dict(apachebench=figures), **result)


if __name__ == "__main__":
    main()
