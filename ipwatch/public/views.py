from django.shortcuts import get_object_or_404, render

from ipwatch.core.models import Incident, Province


def incident_detail(request, pk):
    incident = get_object_or_404(Incident.objects.visible_to(request.user).with_related(), pk=pk)
    return render(request, "public/incident_detail.html", {"incident": incident})


def province_detail(request, slug):
    province = get_object_or_404(Province, slug=slug)
    return render(request, "public/province_detail.html", {"province": province})
