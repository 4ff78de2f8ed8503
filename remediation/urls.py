from django.urls import path

from remediation.views import cap_pages, consultants, portal, purchasing, work_pages

urlpatterns = [
    path("", cap_pages.CapListPage.as_view(), name="cap_list"),
    path("verification/", cap_pages.VerificationQueuePage.as_view(), name="verification_queue"),
    path("mine/", portal.MyCapsPage.as_view(), name="my_caps"),
    path(
        "mine/<uuid:pk>/evidence-form/",
        portal.CardEvidenceFormView.as_view(),
        name="my_caps_evidence_form",
    ),
    path(
        "purchasing-practices/",
        purchasing.PurchasingPracticesPage.as_view(),
        name="purchasing_practices",
    ),
    path("<uuid:pk>/", cap_pages.CapDetailPage.as_view(), name="cap_detail"),
    path(
        "<uuid:pk>/transition/<str:action>/",
        cap_pages.CapTransitionView.as_view(),
        name="cap_transition",
    ),
    path("<uuid:pk>/due-date/", cap_pages.CapDueDateView.as_view(), name="cap_due_date"),
    path("<uuid:pk>/root-causes/", work_pages.RootCauseAddView.as_view(), name="root_cause_add"),
    path(
        "root-causes/<uuid:pk>/delete/",
        work_pages.RootCauseDeleteView.as_view(),
        name="root_cause_delete",
    ),
    path("<uuid:pk>/actions/", work_pages.ActionAddView.as_view(), name="cap_action_add"),
    path("actions/<uuid:pk>/", work_pages.ActionEditView.as_view(), name="cap_action_edit"),
    path(
        "actions/<uuid:pk>/delete/", work_pages.ActionDeleteView.as_view(), name="cap_action_delete"
    ),
    path("<uuid:pk>/evidence/", work_pages.EvidenceUploadView.as_view(), name="evidence_upload"),
    path(
        "evidence/<uuid:pk>/", work_pages.EvidenceDownloadView.as_view(), name="evidence_download"
    ),
    path(
        "evidence/<uuid:pk>/delete/",
        work_pages.EvidenceDeleteView.as_view(),
        name="evidence_delete",
    ),
    path("<uuid:pk>/comments/", work_pages.CommentAddView.as_view(), name="cap_comment_add"),
    path(
        "<uuid:pk>/extensions/", work_pages.ExtensionRequestView.as_view(), name="extension_request"
    ),
    path(
        "extensions/<uuid:pk>/<str:decision>/",
        work_pages.ExtensionDecideView.as_view(),
        name="extension_decide",
    ),
    path(
        "<uuid:pk>/participants/", work_pages.ParticipantAddView.as_view(), name="participant_add"
    ),
    path(
        "participants/<uuid:pk>/remove/",
        work_pages.ParticipantRemoveView.as_view(),
        name="participant_remove",
    ),
    path("consultants/", consultants.ConsultantListPage.as_view(), name="consultant_list"),
    path(
        "consultants/profile/",
        consultants.ConsultantProfileEditPage.as_view(),
        name="consultant_profile_edit",
    ),
    path(
        "consultants/<uuid:pk>/",
        consultants.ConsultantDetailPage.as_view(),
        name="consultant_detail",
    ),
    path(
        "consultants/<uuid:pk>/note/",
        consultants.ConsultantNoteView.as_view(),
        name="consultant_note",
    ),
]
