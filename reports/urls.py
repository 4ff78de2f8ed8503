"""Pages of the reports app, mounted at /reports/."""

from django.urls import path

from reports import dashboard_views, report_pages, views

urlpatterns = [
    path("", report_pages.ReportListPage.as_view(), name="report_list"),
    path("<uuid:pk>/", report_pages.ReportDetailPage.as_view(), name="report_detail"),
    path(
        "<uuid:pk>/progress/",
        report_pages.ReportProgressFragment.as_view(),
        name="report_progress",
    ),
    path("<uuid:pk>/retry/", report_pages.ReportRetryView.as_view(), name="report_retry"),
    path("<uuid:pk>/download/", report_pages.ReportDownloadView.as_view(), name="report_download"),
    path("branding/", report_pages.ReportBrandingPage.as_view(), name="report_branding"),
    path("branding/logo/", report_pages.ReportLogoView.as_view(), name="report_logo"),
    path("dashboard/", dashboard_views.DashboardPage.as_view(), name="dashboard"),
    path("dashboard/panel/", dashboard_views.DashboardPanel.as_view(), name="dashboard_panel"),
    path("scorecards/", views.ScorecardListView.as_view(), name="scorecard_list"),
    path(
        "scorecards/<uuid:facility_id>/",
        views.ScorecardDetailView.as_view(),
        name="scorecard_detail",
    ),
]
