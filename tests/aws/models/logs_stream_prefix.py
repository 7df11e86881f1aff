"""FilterLogEvents reads only the streams whose names start with logStreamNamePrefix.

Real AWS: "logStreamNamePrefix: Filters the results to include only events from log streams that
have names starting with this prefix. If you specify a value for both logStreamNamePrefix and
logStreamNames, the action returns an InvalidParameterException error."
- https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html

moto ignores the prefix and reads every stream of the group.
"""
import json

from moto.logs.responses import LogsResponse

from models.errors import InvalidParameterException

_original_filter_log_events = LogsResponse.filter_log_events


def filter_log_events(self):
    prefix = self._get_param("logStreamNamePrefix")
    if prefix is None:
        return _original_filter_log_events(self)
    if self._get_param("logStreamNames"):
        raise InvalidParameterException("logStreamNamePrefix and logStreamNames cannot both be specified")
    group = self.logs_backend.groups.get(self._get_param("logGroupName"))
    names = [name for name in (group.streams if group else {}) if name.startswith(prefix)]
    if group is not None and not names:
        return json.dumps({"events": [], "searchedLogStreams": []})
    # The original reads the streams named in the request: name the ones under the prefix.
    self.body = json.dumps(dict(json.loads(self.body or "{}"), logStreamNames=names))
    return _original_filter_log_events(self)


LogsResponse.filter_log_events = filter_log_events
