"""An IMMUTABLE ECR repository refuses a push of a tag it already holds.

Real AWS: with imageTagMutability IMMUTABLE, PutImage of an existing tag for another image fails
with ImageTagAlreadyExistsException ("The image tag '...' already exists in the '...' repository
and cannot be overwritten because the repository is immutable."); re-pushing the very same
image under its tag is ImageAlreadyExistsException.
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html

moto answers ImageAlreadyExistsException in both cases, which a client cannot tell apart.
"""
import functools

from moto.ecr.models import ECRBackend

from models.errors import ImageTagAlreadyExistsException

_put_image = ECRBackend.put_image


@functools.wraps(_put_image)
def _put_image_keeping_tags(self, repository_name, image_manifest, image_tag, *args, **kwargs):
    repository = self.repositories.get(repository_name)
    if repository is not None and repository.is_tag_immutable() and image_tag:
        for image in repository.images:
            if image_tag in image.image_tags and image.image_manifest != image_manifest:
                raise ImageTagAlreadyExistsException(
                    "The image tag '%s' already exists in the '%s' repository and cannot be overwritten "
                    "because the repository is immutable." % (image_tag, repository_name))
    return _put_image(self, repository_name, image_manifest, image_tag, *args, **kwargs)


ECRBackend.put_image = _put_image_keeping_tags
