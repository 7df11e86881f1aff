"""Stand-in for the get-pip.py that ansible-test downloads to seed its virtualenvs.

Its download host is not reachable from this kind of machine; this does the same job with the
interpreter's bundled ensurepip, then installs the requested pip release from PyPI.
"""
import ensurepip
import os
import subprocess
import sys

SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"

# get-pip.py's own switches; pip install does not know them.
ARGS = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
ensurepip.bootstrap(upgrade=True)
env = dict(os.environ)
# The bundled pip does not pick the system CA bundle from pip.conf on such machines (a TLS-inspecting
# proxy signs PyPI's certificate); the pip it installs does.
if "PIP_CERT" not in env and os.path.exists(SYSTEM_CA_BUNDLE):
    env["PIP_CERT"] = SYSTEM_CA_BUNDLE
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + ARGS, env=env))
