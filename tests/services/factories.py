"""Factories for the Serviceportal: a service with a published form, and cases in every state."""

import factory
from django.utils import timezone

from services import services
from services.models import (
    Case,
    CaseStatus,
    FieldType,
    FormField,
    FormStep,
    Service,
    ServiceCategory,
)
from tests.factories import DepartmentFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kategorie {n}")
    slug = factory.Sequence(lambda n: f"kategorie-{n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    """A service with a two-step form (name, dog breed with a condition, a file), published."""

    class Meta:
        model = Service
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Hundeanmeldung {n}")
    slug = factory.Sequence(lambda n: f"hundeanmeldung-{n}")
    summary = "Melden Sie Ihren Hund für die Hundesteuer an."
    description = "Wer in Castrop-Rauxel einen Hund hält, muss ihn anmelden."
    processing_days = 14
    department = factory.SubFactory(DepartmentFactory, name="Steueramt", slug="steueramt")
    login_level = "account"

    class Params:
        anonymous = factory.Trait(login_level="anonymous")

    @factory.post_generation
    def form(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        dog = FormStep.objects.create(service=self, order=1, title="Ihr Hund", title_en="Your dog")
        FormField.objects.create(
            step=dog,
            order=1,
            key="dog_name",
            label="Name des Hundes",
            label_en="Name of the dog",
            type=FieldType.TEXT,
            max_length=50,
        )
        FormField.objects.create(
            step=dog,
            order=2,
            key="breed",
            label="Rasse",
            label_en="Breed",
            type=FieldType.CHOICE,
            choices="mix|Mischling|Mixed breed\nlisted|Listenhund|Listed breed",
        )
        FormField.objects.create(
            step=dog,
            order=3,
            key="certificate",
            label="Sachkundenachweis",
            label_en="Certificate of competence",
            type=FieldType.FILE,
            show_if_field="breed",
            show_if_value="listed",
            allowed_file_types="pdf,jpeg,png",
        )
        owner = FormStep.objects.create(service=self, order=2, title="Halter", title_en="Owner")
        FormField.objects.create(
            step=owner,
            order=1,
            key="since",
            label="Hund gehalten seit",
            label_en="Dog kept since",
            type=FieldType.DATE,
        )
        FormField.objects.create(
            step=owner,
            order=2,
            key="address",
            label="Anschrift",
            label_en="Address",
            type=FieldType.ADDRESS,
        )
        services.form_publish(service=self, user=None)


class CaseFactory(factory.django.DjangoModelFactory):
    """A filed case. Traits: in_progress, waiting, approved, rejected, overdue."""

    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"CR-2026-{900000 + n:06d}")
    service = factory.SubFactory(ServiceFactory)
    form_version = factory.LazyAttribute(lambda o: o.service.current_form)
    department = factory.LazyAttribute(lambda o: o.service.department)
    applicant = None
    applicant_name = factory.LazyAttribute(
        lambda o: o.applicant.name if o.applicant else "Erika Mustermann"
    )
    applicant_email = factory.LazyAttribute(
        lambda o: o.applicant.email if o.applicant else "erika@example.org"
    )
    answers = factory.LazyFunction(
        lambda: {
            "dog_name": "Bello",
            "breed": "mix",
            "since": "2026-01-15",
            "address": {"street": "Europaplatz 1", "postcode": "44575", "city": "Castrop-Rauxel"},
        }
    )
    submitted_at = factory.LazyFunction(timezone.now)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=14))

    class Params:
        in_progress = factory.Trait(status=CaseStatus.IN_PROGRESS)
        waiting = factory.Trait(
            status=CaseStatus.WAITING, paused_since=factory.LazyFunction(timezone.localdate)
        )
        approved = factory.Trait(
            status=CaseStatus.APPROVED, closed_at=factory.LazyFunction(timezone.now)
        )
        rejected = factory.Trait(
            status=CaseStatus.REJECTED, closed_at=factory.LazyFunction(timezone.now)
        )
        overdue = factory.Trait(
            due_date=factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=3))
        )
