"""The project's URLs plus one probe that reads, writes, then reads again in one request (replica test)."""

from django.http import JsonResponse
from django.urls import path

from fuqing.core.replica import replica_view
from fuqing.orgs.models import Org
from fuqing.urls import urlpatterns as project_urlpatterns


@replica_view
def write_then_read(request):
    before = Org.objects.all().db
    count = Org.objects.count()
    org = Org.objects.order_by("pk").first()
    Org.objects.filter(pk=org.pk).update(name=org.name)  # a write
    after = Org.objects.all().db
    return JsonResponse({"before": before, "after": after, "count": count})


urlpatterns = [path("replica-probe/", write_then_read), *project_urlpatterns]
