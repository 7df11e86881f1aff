"""Test-wide setup: import the collection's code as ansible_collections.loadbearing.ecs."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# collections/ansible_collections/loadbearing/ecs links back to the checkout.
sys.path.insert(0, os.path.join(ROOT, "collections"))
