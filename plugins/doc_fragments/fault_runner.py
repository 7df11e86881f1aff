# -*- coding: utf-8 -*-
# Copyright: loadbearing.ecs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The options every fault runner shares (module_utils/faults.py RUNNER_OPTIONS).
    DOCUMENTATION = r"""
options:
  plan:
    description:
      - The faults, each a mapping with C(service) and at least one of C(kill_every_s) and
        C(restart_once_at_s) (seconds since the module started).
    type: list
    elements: dict
    required: true
  services:
    description: Every service of the cluster, to check the plan and to sample.
    type: list
    elements: str
    required: true
  stop_file:
    description: The module returns soon after this file exists on the host it runs on.
    type: path
    required: true
  max_duration_s:
    description: Return after this many seconds even when O(stop_file) never appears.
    type: int
    default: 600
  sample_every_s:
    description: Seconds between two samples of the running copies (tasks on ECS).
    type: float
    default: 1.0
  seed:
    description: Seed of the random choice of copies (tasks on ECS), to repeat a run's choices.
    type: int
"""
