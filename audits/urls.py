from django.urls import path

from audits.views import audit_pages, finding_pages, imports, policy, sharing

urlpatterns = [
    path("", audit_pages.AuditListPage.as_view(), name="audit_list"),
    path("new/", audit_pages.AuditCreatePage.as_view(), name="audit_create"),
    path("<uuid:pk>/", audit_pages.AuditDetailPage.as_view(), name="audit_detail"),
    path("<uuid:pk>/edit/", audit_pages.AuditEditPage.as_view(), name="audit_edit"),
    path("<uuid:pk>/delete/", audit_pages.AuditDeleteView.as_view(), name="audit_delete"),
    path("<uuid:pk>/report/", audit_pages.AuditReportDownload.as_view(), name="audit_report"),
    path("<uuid:pk>/finalize/", audit_pages.AuditFinalizeView.as_view(), name="audit_finalize"),
    path("<uuid:pk>/amend/", audit_pages.AuditAmendPage.as_view(), name="audit_amend"),
    path("<uuid:pk>/findings/new/", finding_pages.FindingAddView.as_view(), name="finding_add"),
    path(
        "<uuid:pk>/observations/",
        finding_pages.ObservationRecordView.as_view(),
        name="observation_record",
    ),
    path(
        "observations/<uuid:pk>/<str:decision>/",
        finding_pages.ObservationDecisionView.as_view(),
        name="observation_decide",
    ),
    path("<uuid:pk>/import/", imports.FindingImportPage.as_view(), name="finding_import"),
    path(
        "import-template.<str:fmt>",
        imports.FindingImportTemplate.as_view(),
        name="finding_import_template",
    ),
    path("<uuid:pk>/share/", sharing.AuditShareOfferPage.as_view(), name="audit_share_offer"),
    path("findings/", finding_pages.FindingListPage.as_view(), name="finding_list"),
    path("findings/<uuid:pk>/", finding_pages.FindingDetailPage.as_view(), name="finding_detail"),
    path("findings/<uuid:pk>/edit/", finding_pages.FindingEditView.as_view(), name="finding_edit"),
    path(
        "findings/<uuid:pk>/delete/",
        finding_pages.FindingDeleteView.as_view(),
        name="finding_delete",
    ),
    path(
        "findings/<uuid:pk>/amend/", finding_pages.FindingAmendPage.as_view(), name="finding_amend"
    ),
    path(
        "findings/<uuid:pk>/law-reviewed/",
        finding_pages.FindingLawReviewedView.as_view(),
        name="finding_law_reviewed",
    ),
    path("law-changes/", finding_pages.LawChangeReviewPage.as_view(), name="law_change_review"),
    path("shares/", sharing.AuditShareListPage.as_view(), name="audit_share_list"),
    path(
        "shares/<uuid:pk>/<str:decision>/",
        sharing.AuditShareDecisionView.as_view(),
        name="audit_share_decide",
    ),
    path("policy/", policy.SeverityPolicyPage.as_view(), name="severity_policy"),
    path(
        "facilities/<uuid:pk>/panel/",
        audit_pages.FacilityAuditsPanel.as_view(),
        name="facility_audits_panel",
    ),
]
