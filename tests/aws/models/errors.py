"""AWS errors the models raise, with the error codes real AWS answers with."""
from moto.core.exceptions import JsonRESTError


class AwsError(JsonRESTError):
    code = 400

    def __init__(self, message):
        super().__init__(self.__class__.__name__, message)


class ClusterContainsContainerInstancesException(AwsError):
    pass


class ClusterContainsServicesException(AwsError):
    pass


class InvalidParameterException(AwsError):
    pass


class ClientException(AwsError):
    pass


class ResourceInUseException(AwsError):
    pass


class ImageTagAlreadyExistsException(AwsError):
    pass
