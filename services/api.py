"""Read-only API of the Serviceportal: a signed-in citizen's own cases and their public events."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from services import selectors
from services.models import Case


class CaseEventSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="submitted, status, message, documents_requested, ...")
    to_status = serializers.CharField(help_text="The new status of a status change, else empty.")
    note = serializers.CharField(help_text="The office's note to the applicant (status changes).")
    created_at = serializers.DateTimeField()


class CaseSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="Reference such as CR-2026-000123.")
    service = serializers.CharField(source="service.name")
    status = serializers.CharField(
        help_text="received, in_progress, waiting, approved, rejected, withdrawn"
    )
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField()
    due_date = serializers.DateField(help_text="The expected decision date.")
    closed_at = serializers.DateTimeField(allow_null=True)


class CaseDetailSerializer(CaseSerializer):
    events = serializers.SerializerMethodField()

    @extend_schema_field(CaseEventSerializer(many=True))
    def get_events(self, case) -> list[dict]:
        # many=True makes a ListSerializer, whose data is a list; the stubs type it as one item.
        return CaseEventSerializer(selectors.public_events(case=case), many=True).data  # type: ignore[return-value]


_detail = inline_serializer("ErrorDetail", {"detail": serializers.CharField()})
_not_signed_in = OpenApiResponse(_detail, description="Not signed in.")


def _own_cases(request):
    return Case.objects.of_applicant(request.user).select_related("service")


class CaseListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: CaseSerializer(many=True), 403: _not_signed_in},
        summary="My cases",
        tags=["services"],
    )
    def get(self, request):
        return Response(
            CaseSerializer(_own_cases(request).order_by("-submitted_at"), many=True).data
        )


class CaseDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: CaseDetailSerializer,
            403: _not_signed_in,
            404: OpenApiResponse(_detail, description="No case of yours has this reference."),
        },
        summary="One of my cases with its public events",
        tags=["services"],
    )
    def get(self, request, reference: str):
        case = get_object_or_404(_own_cases(request), reference=reference)
        return Response(CaseDetailSerializer(case).data)
