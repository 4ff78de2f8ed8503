"""Pages of the reports app, mounted at /reports/."""

from django.urls import path

from reports import dashboard_views, views

urlpatterns = [
    path("dashboard/", dashboard_views.DashboardPage.as_view(), name="dashboard"),
    path("dashboard/panel/", dashboard_views.DashboardPanel.as_view(), name="dashboard_panel"),
    path("scorecards/", views.ScorecardListView.as_view(), name="scorecard_list"),
    path(
        "scorecards/<uuid:facility_id>/",
        views.ScorecardDetailView.as_view(),
        name="scorecard_detail",
    ),
]
