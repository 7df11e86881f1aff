"""Routes under /moto-api/models/ through which a test does what AWS does on its own side.

Some behaviours of a real account are AWS's doing, not the caller's: a new ECS-optimized AMI is
published, AWS sets an account's quota. moto's server has routes of its own for such results
(/moto-api/static/...); the models add theirs here. Each handler takes the request's JSON body
and returns a JSON-able answer.
"""
import json

from moto.moto_api._internal import urls


def route(name, handler):
    """POST /moto-api/models/<name> with a JSON body calls handler(body) and answers its result as JSON."""
    def view(request, full_url, headers):
        body = request.data if hasattr(request, "data") else request.body
        answer = handler(json.loads(body or b"{}"))
        return 200, {"Content-Type": "application/json"}, json.dumps(answer)
    view.__name__ = "model_" + name.replace("-", "_")
    urls.url_paths["{0}/moto-api/models/%s$" % name] = view


def call(url, name, **body):
    """From a test: the answer of the route `name` of the emulator at url."""
    import urllib.request
    request = urllib.request.Request("%s/moto-api/models/%s" % (url, name), data=json.dumps(body).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request).read())
