"""Pages of facilities and vetting, mounted at /suppliers/.

The views live in ``facility_pages`` (list, add, facility page, profile),
``vetting_pages`` (relationship actions, pipeline, sign-offs) and ``exit_pages``.
Every action is a POST to its own URL that calls one service.
"""

from django.urls import path

from suppliers.views import exit_pages, facility_pages, vetting_pages

urlpatterns = [
    path("", facility_pages.FacilityListView.as_view(), name="facility_list"),
    path("add/", facility_pages.FacilityAddView.as_view(), name="facility_add"),
    path("pipeline/", vetting_pages.PipelineView.as_view(), name="pipeline"),
    path("sign-offs/", vetting_pages.SignOffsView.as_view(), name="sign_offs"),
    path(
        "sign-offs/<uuid:pk>/",
        vetting_pages.SignOffsSignOffView.as_view(),
        name="sign_offs_sign_off",
    ),
    path("<uuid:pk>/", facility_pages.FacilityDetailView.as_view(), name="facility_detail"),
    path("<uuid:pk>/edit/", facility_pages.FacilityEditView.as_view(), name="facility_edit"),
    path(
        "<uuid:pk>/certifications/",
        facility_pages.CertificationAddView.as_view(),
        name="facility_certification_add",
    ),
    path(
        "<uuid:pk>/certifications/<uuid:certification_id>/remove/",
        facility_pages.CertificationRemoveView.as_view(),
        name="facility_certification_remove",
    ),
    path(
        "<uuid:pk>/lifecycle/",
        facility_pages.FacilityLifecycleView.as_view(),
        name="facility_lifecycle",
    ),
    path(
        "<uuid:pk>/questionnaire/",
        vetting_pages.SendQuestionnaireView.as_view(),
        name="facility_send_questionnaire",
    ),
    path("<uuid:pk>/decide/", vetting_pages.DecideView.as_view(), name="facility_decide"),
    path("<uuid:pk>/sign-off/", vetting_pages.SignOffView.as_view(), name="facility_sign_off"),
    path("<uuid:pk>/suspend/", vetting_pages.SuspendView.as_view(), name="facility_suspend"),
    path("<uuid:pk>/reinstate/", vetting_pages.ReinstateView.as_view(), name="facility_reinstate"),
    path("<uuid:pk>/risk/", vetting_pages.RefreshRiskView.as_view(), name="facility_refresh_risk"),
    path("<uuid:pk>/exit/", exit_pages.ExitPlanView.as_view(), name="exit_plan"),
    path("<uuid:pk>/exit/steps/", exit_pages.ExitStepAddView.as_view(), name="exit_step_add"),
    path(
        "<uuid:pk>/exit/steps/<uuid:step_pk>/done/",
        exit_pages.ExitStepDoneView.as_view(),
        name="exit_step_done",
    ),
    path("<uuid:pk>/exit/complete/", exit_pages.ExitCompleteView.as_view(), name="exit_complete"),
]
