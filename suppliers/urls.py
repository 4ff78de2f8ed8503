"""Browser pages of suppliers and vetting, one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("suppliers.views.transfer")),
    path("", include("suppliers.views.facilities")),
    path("portal/", include("suppliers.views.portal")),
    path("questionnaires/", include("suppliers.views.questionnaires")),
]
