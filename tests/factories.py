import base64
import functools
import hashlib
import hmac
import io
import struct
import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP

from portal import services
from portal.models import Department, User

PASSWORD = "Korrekt-Pferd-Batterie-42"
TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def totp_code(secret: str = TOTP_SECRET, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 6 digits, 30 s), computed independently of allauth."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Fachbereich {n}")
    slug = factory.Sequence(lambda n: f"fb-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified e-mail address. Traits: ``staff``, ``mfa``."""

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        staff = factory.Trait(is_staff=True)

    @factory.post_generation
    def finish(self, create, extracted, **kwargs):
        if not create:
            return
        self.save()
        EmailAddress.objects.get_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )
        services.user_assign_default_role(user=self)

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        """``UserFactory(mfa=True)`` activates TOTP with TOTP_SECRET."""
        if create and extracted:
            TOTP.activate(self, TOTP_SECRET)


@functools.lru_cache(maxsize=1)
def bomb_png() -> bytes:
    """A decompression bomb: a 13,000 × 13,000 grey PNG of about 160 KB that decodes to 169 MB."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (13_000, 13_000)).save(out, format="PNG", optimize=True)
    return out.getvalue()


BOMB_REFUSED = "hat zu viele Pixel (13000 × 13000); höchstens 40 Megapixel sind erlaubt"
